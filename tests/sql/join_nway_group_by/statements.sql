-- GROUP BY over a three-way join: each order is joined to its customer and its product (both
-- joins rekey the order stream), and revenue is summed per customer REGION. An order whose
-- product is unknown has no join result (inner join) and counts nowhere.
CREATE STREAM ORDERS (ORDER_ID INT KEY, CUSTOMER_ID INT, PRODUCT_ID INT, QTY INT)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE CUSTOMERS (ID INT PRIMARY KEY, REGION STRING)
  WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE PRODUCTS (ID INT PRIMARY KEY, PRICE INT)
  WITH (kafka_topic='products', value_format='JSON');

CREATE TABLE REVENUE WITH (kafka_topic='revenue') AS
  SELECT C.REGION, COUNT(*) AS ORDERS, SUM(O.QTY * P.PRICE) AS TOTAL
  FROM ORDERS O
  JOIN CUSTOMERS C ON O.CUSTOMER_ID = C.ID
  JOIN PRODUCTS P ON O.PRODUCT_ID = P.ID
  GROUP BY C.REGION;
