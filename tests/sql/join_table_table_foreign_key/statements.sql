-- Foreign-key table-table LEFT JOIN: each order row joins the customer its CUSTOMER_ID names;
-- a customer update re-emits every order that references it. Rows keep the order's key.
CREATE TABLE ORDERS (ID INT PRIMARY KEY, CUSTOMER_ID INT, AMOUNT INT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE CUSTOMERS (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='customers', value_format='JSON');

CREATE TABLE ORDER_NAMES AS
  SELECT O.ID, AMOUNT, NAME FROM ORDERS O LEFT JOIN CUSTOMERS C ON O.CUSTOMER_ID = C.ID;
