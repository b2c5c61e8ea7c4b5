// Statement grammar: every statement form and the query clauses.

#include <gtest/gtest.h>

#include "skein/sql/parser.h"
#include "skein/sql/printer.h"

namespace skein::sql {
namespace {

StatementPtr Parse(std::string_view sql) {
  auto s = ParseStatement(sql);
  EXPECT_TRUE(s.ok()) << sql << ": " << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

TEST(ParserStatementTest, CreateStreamWithColumnsAndProperties) {
  StatementPtr s = Parse(
      "create stream if not exists `Orders` (id INT KEY, `name` VARCHAR, amount DECIMAL(10,2), "
      "tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>, addr STRUCT<street STRING, geo "
      "STRUCT<lat DOUBLE, lon DOUBLE>>, ts TIMESTAMP, d DATE, t TIME, b BYTES, ok BOOLEAN, "
      "h BYTES HEADER('trace'), hs ARRAY<STRUCT<key STRING, value BYTES>> HEADERS) "
      "WITH (kafka_topic='orders', value_format='JSON', partitions=3, replicas=-1);");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->kind, StatementKind::kCreateSource);
  const auto& c = s->As<CreateSource>();
  EXPECT_FALSE(c.is_table);
  EXPECT_TRUE(c.if_not_exists);
  EXPECT_FALSE(c.or_replace);
  EXPECT_EQ(c.name, "Orders");
  ASSERT_EQ(c.columns.size(), 13u);
  EXPECT_EQ(c.columns[0].name, "ID");
  EXPECT_EQ(c.columns[0].type->kind, TypeKind::kInt);
  EXPECT_EQ(c.columns[0].constraint, ColumnConstraint::kKey);
  EXPECT_EQ(c.columns[1].name, "name");
  EXPECT_EQ(c.columns[1].type->kind, TypeKind::kString);
  EXPECT_EQ(c.columns[1].type->name, "VARCHAR");
  EXPECT_EQ(c.columns[2].type->precision, 10);
  EXPECT_EQ(c.columns[3].type->element->kind, TypeKind::kString);
  EXPECT_EQ(c.columns[4].type->key->kind, TypeKind::kString);
  EXPECT_EQ(c.columns[4].type->element->kind, TypeKind::kBigInt);
  ASSERT_EQ(c.columns[5].type->fields.size(), 2u);
  EXPECT_EQ(c.columns[5].type->fields[1].name, "GEO");
  EXPECT_EQ(c.columns[5].type->fields[1].type->fields[0].type->kind, TypeKind::kDouble);
  EXPECT_EQ(c.columns[6].type->kind, TypeKind::kTimestamp);
  EXPECT_EQ(c.columns[11].constraint, ColumnConstraint::kHeader);
  EXPECT_EQ(c.columns[11].header_key, "trace");
  EXPECT_EQ(c.columns[12].constraint, ColumnConstraint::kHeaders);
  ASSERT_EQ(c.properties.size(), 4u);
  EXPECT_EQ(c.properties[0].name, "KAFKA_TOPIC");
  EXPECT_EQ(c.properties[0].value->kind, ExprKind::kStringLiteral);
  EXPECT_EQ(c.properties[0].value->text, "orders");
  EXPECT_EQ(c.properties[2].value->int_value, 3);
  EXPECT_EQ(c.properties[3].value->int_value, -1);
}

TEST(ParserStatementTest, CreateTableVariants) {
  StatementPtr s = Parse(
      "CREATE OR REPLACE TABLE t (k STRING PRIMARY KEY, v INT) "
      "WITH (kafka_topic='t', format='JSON')");
  ASSERT_TRUE(s);
  const auto& c = s->As<CreateSource>();
  EXPECT_TRUE(c.is_table);
  EXPECT_TRUE(c.or_replace);
  EXPECT_EQ(c.columns[0].constraint, ColumnConstraint::kPrimaryKey);

  StatementPtr src = Parse("CREATE SOURCE TABLE t (k INT PRIMARY KEY) WITH (kafka_topic='t')");
  ASSERT_TRUE(src);
  EXPECT_TRUE(src->As<CreateSource>().is_source);

  StatementPtr schemaless = Parse("CREATE STREAM s WITH (kafka_topic='s', format='AVRO')");
  ASSERT_TRUE(schemaless);
  EXPECT_TRUE(schemaless->As<CreateSource>().columns.empty());
}

TEST(ParserStatementTest, CreateAsSelect) {
  StatementPtr s = Parse(
      "CREATE TABLE agg WITH (kafka_topic='agg') AS SELECT id, COUNT(*) AS cnt FROM s "
      "WINDOW TUMBLING (SIZE 30 SECONDS, RETENTION 1 HOUR, GRACE PERIOD 0 MILLISECONDS) "
      "WHERE v > 0 GROUP BY id HAVING COUNT(*) > 1 EMIT FINAL;");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->kind, StatementKind::kCreateAsSelect);
  const auto& c = s->As<CreateAsSelect>();
  EXPECT_TRUE(c.is_table);
  EXPECT_EQ(c.name, "AGG");
  ASSERT_EQ(c.properties.size(), 1u);
  const Query& q = *c.query;
  ASSERT_EQ(q.select.size(), 2u);
  EXPECT_EQ(q.select[1].alias, "CNT");
  EXPECT_EQ(q.from.name, "S");
  ASSERT_TRUE(q.window.has_value());
  EXPECT_EQ(q.window->kind, WindowKind::kTumbling);
  EXPECT_EQ(q.window->size.millis, 30000);
  EXPECT_EQ(q.window->size.text, "30 SECONDS");
  EXPECT_EQ(q.window->retention->millis, 3600000);
  EXPECT_EQ(q.window->grace->millis, 0);
  ASSERT_NE(q.where, nullptr);
  ASSERT_EQ(q.group_by.size(), 1u);
  ASSERT_NE(q.having, nullptr);
  EXPECT_EQ(q.emit, EmitKind::kFinal);
}

TEST(ParserStatementTest, HoppingAndSessionWindows) {
  StatementPtr h = Parse(
      "SELECT k, COUNT(*) FROM s WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY "
      "10 SECONDS) GROUP BY k EMIT CHANGES");
  ASSERT_TRUE(h);
  const Query& hq = *h->As<SelectStatement>().query;
  EXPECT_EQ(hq.window->kind, WindowKind::kHopping);
  EXPECT_EQ(hq.window->size.millis, 60000);
  EXPECT_EQ(hq.window->advance->millis, 10000);
  EXPECT_EQ(hq.emit, EmitKind::kChanges);

  StatementPtr s = Parse(
      "SELECT k FROM s WINDOW w SESSION (5 MINUTES, GRACE PERIOD 1 DAY) "
      "GROUP BY k");
  ASSERT_TRUE(s);
  const Query& sq = *s->As<SelectStatement>().query;
  EXPECT_EQ(sq.window->kind, WindowKind::kSession);
  EXPECT_EQ(sq.window->name, "W");
  EXPECT_EQ(sq.window->size.millis, 300000);
  EXPECT_EQ(sq.window->grace->millis, 86400000);
}

TEST(ParserStatementTest, Joins) {
  StatementPtr s = Parse(
      "SELECT l.id, r.* FROM left_s l LEFT OUTER JOIN right_s AS r WITHIN (1 SECOND, 2 "
      "MINUTES) GRACE PERIOD 3 SECONDS ON l.id = r.id JOIN t ON l.k = t.k FULL JOIN u WITHIN "
      "10 SECONDS ON l.a = u.a RIGHT JOIN v ON 1 = 1");
  ASSERT_TRUE(s);
  const Query& q = *s->As<SelectStatement>().query;
  EXPECT_EQ(q.from.alias, "L");
  EXPECT_EQ(q.select[1].kind, SelectItem::Kind::kQualifiedStar);
  EXPECT_EQ(q.select[1].qualifier, "R");
  ASSERT_EQ(q.joins.size(), 4u);
  EXPECT_EQ(q.joins[0].type, JoinType::kLeft);
  EXPECT_EQ(q.joins[0].right.alias, "R");
  EXPECT_EQ(q.joins[0].within_before->millis, 1000);
  EXPECT_EQ(q.joins[0].within_after->millis, 120000);
  EXPECT_EQ(q.joins[0].grace->millis, 3000);
  EXPECT_EQ(q.joins[1].type, JoinType::kInner);
  EXPECT_FALSE(q.joins[1].within_before.has_value());
  EXPECT_EQ(q.joins[2].type, JoinType::kFull);
  EXPECT_EQ(q.joins[2].within_before->millis, 10000);
  EXPECT_FALSE(q.joins[2].within_after.has_value());
  EXPECT_EQ(q.joins[3].type, JoinType::kRight);
}

TEST(ParserStatementTest, SelectClausesAndAliases) {
  StatementPtr s = Parse(
      "SELECT *, a b, c AS `Cc` FROM s PARTITION BY a, b EMIT CHANGES "
      "LIMIT 10");
  ASSERT_TRUE(s);
  const Query& q = *s->As<SelectStatement>().query;
  EXPECT_EQ(q.select[0].kind, SelectItem::Kind::kStar);
  EXPECT_EQ(q.select[1].alias, "B");
  EXPECT_EQ(q.select[2].alias, "Cc");
  EXPECT_EQ(q.partition_by.size(), 2u);
  EXPECT_EQ(q.limit, 10);
  StatementPtr g = Parse("SELECT a, b, COUNT(*) FROM s GROUP BY (a, b)");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->As<SelectStatement>().query->group_by.size(), 2u);
  StatementPtr g2 = Parse("SELECT COUNT(*) FROM s GROUP BY (a + 1) * 2");
  ASSERT_TRUE(g2);
  ASSERT_EQ(g2->As<SelectStatement>().query->group_by.size(), 1u);
  EXPECT_EQ(ExprToSql(*g2->As<SelectStatement>().query->group_by[0]), "((A + 1) * 2)");
}

TEST(ParserStatementTest, InsertForms) {
  StatementPtr a = Parse("INSERT INTO out WITH (query_id='q1') SELECT * FROM s");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->kind, StatementKind::kInsertInto);
  EXPECT_EQ(a->As<InsertInto>().name, "OUT");
  EXPECT_EQ(a->As<InsertInto>().properties.size(), 1u);
  StatementPtr b = Parse("INSERT INTO out (k, `v`) VALUES ('a', 1 + 2)");
  ASSERT_TRUE(b);
  ASSERT_EQ(b->kind, StatementKind::kInsertValues);
  const auto& iv = b->As<InsertValues>();
  EXPECT_EQ(iv.columns, (std::vector<std::string>{"K", "v"}));
  ASSERT_EQ(iv.values.size(), 2u);
  EXPECT_EQ(ExprToSql(*iv.values[1]), "(1 + 2)");
  StatementPtr c = Parse("INSERT INTO out VALUES (NULL)");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->As<InsertValues>().columns.empty());
}

TEST(ParserStatementTest, DropShowDescribe) {
  StatementPtr d = Parse("DROP TABLE IF EXISTS t DELETE TOPIC");
  ASSERT_TRUE(d);
  const auto& ds = d->As<DropSource>();
  EXPECT_TRUE(ds.is_table);
  EXPECT_TRUE(ds.if_exists);
  EXPECT_TRUE(ds.delete_topic);
  EXPECT_EQ(ds.name, "T");
  StatementPtr d2 = Parse("drop stream s");
  ASSERT_TRUE(d2);
  EXPECT_FALSE(d2->As<DropSource>().is_table);
  EXPECT_FALSE(d2->As<DropSource>().delete_topic);

  StatementPtr sh = Parse("LIST TOPICS EXTENDED");
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->As<Show>().target, ShowTarget::kTopics);
  EXPECT_TRUE(sh->As<Show>().extended);
  StatementPtr sq = Parse("show queries");
  ASSERT_TRUE(sq);
  EXPECT_EQ(sq->As<Show>().target, ShowTarget::kQueries);
  EXPECT_FALSE(sq->As<Show>().extended);

  StatementPtr de = Parse("DESCRIBE EXTENDED s");
  ASSERT_TRUE(de);
  EXPECT_TRUE(de->As<Describe>().extended);
  EXPECT_EQ(de->As<Describe>().name, "S");
  StatementPtr de2 = Parse("DESCRIBE s EXTENDED");
  ASSERT_TRUE(de2);
  EXPECT_TRUE(de2->As<Describe>().extended);
}

TEST(ParserStatementTest, ExplainTerminateSetUnset) {
  StatementPtr e = Parse("EXPLAIN CSAS_OUT_0");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->As<Explain>().query_id, "CSAS_OUT_0");
  EXPECT_EQ(e->As<Explain>().statement, nullptr);
  StatementPtr e2 = Parse("EXPLAIN SELECT * FROM s EMIT CHANGES");
  ASSERT_TRUE(e2);
  ASSERT_NE(e2->As<Explain>().statement, nullptr);
  EXPECT_EQ(e2->As<Explain>().statement->kind, StatementKind::kSelect);

  StatementPtr t = Parse("TERMINATE ALL");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->As<Terminate>().all);
  StatementPtr t2 = Parse("TERMINATE CTAS_X_1");
  ASSERT_TRUE(t2);
  EXPECT_EQ(t2->As<Terminate>().query_id, "CTAS_X_1");

  StatementPtr set = Parse("SET 'auto.offset.reset' = 'earliest'");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->As<SetProperty>().name, "auto.offset.reset");
  EXPECT_EQ(set->As<SetProperty>().value, "earliest");
  StatementPtr unset = Parse("UNSET 'auto.offset.reset'");
  ASSERT_TRUE(unset);
  EXPECT_EQ(unset->As<UnsetProperty>().name, "auto.offset.reset");
}

TEST(ParserStatementTest, Connectors) {
  StatementPtr c = Parse(
      "CREATE SINK CONNECTOR IF NOT EXISTS `pg` WITH "
      "('connector.class'='x', tasks_max=1)");
  ASSERT_TRUE(c);
  const auto& cc = c->As<CreateConnector>();
  EXPECT_TRUE(cc.is_sink);
  EXPECT_TRUE(cc.if_not_exists);
  EXPECT_EQ(cc.name, "pg");
  ASSERT_EQ(cc.properties.size(), 2u);
  EXPECT_EQ(cc.properties[0].name, "connector.class");
  StatementPtr s = Parse("CREATE SOURCE CONNECTOR src WITH (a='b')");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->As<CreateConnector>().is_sink);
  StatementPtr d = Parse("DROP CONNECTOR IF EXISTS src");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->As<DropConnector>().if_exists);
  EXPECT_EQ(d->As<DropConnector>().name, "SRC");
}

TEST(ParserStatementTest, MultipleStatementsKeepTheirText) {
  std::string sql =
      "-- setup\nCREATE STREAM a (x INT) WITH (kafka_topic='a');;\n"
      "  CREATE STREAM b AS SELECT * FROM a /* copy */ ;\nSHOW STREAMS";
  auto parsed = ParseStatements(sql);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].text, "CREATE STREAM a (x INT) WITH (kafka_topic='a')");
  EXPECT_EQ((*parsed)[0].statement->pos, (SourcePos{2, 1}));
  EXPECT_EQ((*parsed)[1].text, "CREATE STREAM b AS SELECT * FROM a");
  EXPECT_EQ((*parsed)[1].statement->pos, (SourcePos{3, 3}));
  EXPECT_EQ(sql.substr((*parsed)[1].begin, (*parsed)[1].end - (*parsed)[1].begin),
            (*parsed)[1].text);
  EXPECT_EQ((*parsed)[2].text, "SHOW STREAMS");
  auto empty = ParseStatements("  ;; -- nothing\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace skein::sql
