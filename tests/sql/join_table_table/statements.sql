-- Table-table INNER JOIN: an update of either side joins the other side's current row;
-- a tombstone on one side deletes the joined row.
CREATE TABLE A (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='a', value_format='JSON');
CREATE TABLE B (ID INT PRIMARY KEY, Y STRING) WITH (kafka_topic='b', value_format='JSON');

CREATE TABLE AB AS SELECT A.ID, X, Y FROM A JOIN B ON A.ID = B.ID;
