// skein: the command-line client of a Skein cluster.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/time/clock.h"
#include "admin_commands.h"
#include "local_engine.h"
#include "skein/common/tls.h"
#include "skein/common/version.h"
#include "skein/sql/parser.h"
#include "skein/testrunner/runner.h"
#include "tenant_commands.h"

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "skein: error: %s\n", std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kNotFound ? 1 : 2;
}

// A SELECT without EMIT CHANGES/FINAL is a pull query, as in ksqlDB. SQL that does not parse
// goes to the push path, whose error carries the position.
bool IsPullQuery(const std::string& sql) {
  absl::StatusOr<skein::sql::StatementPtr> stmt = skein::sql::ParseStatement(sql);
  return stmt.ok() && (*stmt)->kind == skein::sql::StatementKind::kSelect &&
         (*stmt)->As<skein::sql::SelectStatement>().query->emit == skein::sql::EmitKind::kNone;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"skein: command-line client of a Skein cluster"};
  app.set_version_flag("--version", std::string(skein::kVersion));
  app.require_subcommand(1);
  // Global options (--coordinator, --tenant) may also follow the subcommand.
  app.fallthrough();
  std::string coordinator = "127.0.0.1:7070";
  app.add_option("--coordinator", coordinator, "coordinator address HOST:PORT")
      ->envname("SKEIN_COORDINATOR")
      ->capture_default_str();
  std::string token, tls_ca;
  app.add_option("--token", token, "API token (tenant or platform admin)")->envname("SKEIN_TOKEN");
  app.add_option("--tls-ca", tls_ca, "PEM CA certificate: reach the coordinator over TLS")
      ->envname("SKEIN_TLS_CA")
      ->check(CLI::ExistingFile);
  std::unique_ptr<skein::cli::TenantCommands> tenant_commands = skein::cli::AddTenantCommands(&app);

  CLI::App* executors = app.add_subcommand("executors", "executor nodes of the cluster");
  executors->require_subcommand(1);
  CLI::App* executors_list = executors->add_subcommand("list", "list executors and their state");
  CLI::App* executors_describe = executors->add_subcommand("describe", "describe one executor");
  std::string executor_id;
  executors_describe->add_option("id", executor_id, "executor id")->required();
  CLI::App* executors_drain = executors->add_subcommand(
      "drain", "move every task off an executor (before stopping it); admin only");
  executors_drain->add_option("id", executor_id, "executor id")->required();
  CLI::App* executors_undrain =
      executors->add_subcommand("undrain", "let a drained executor take tasks again");
  executors_undrain->add_option("id", executor_id, "executor id")->required();
  CLI::App* cluster = app.add_subcommand("cluster", "the cluster as a whole");
  cluster->require_subcommand(1);
  CLI::App* cluster_info =
      cluster->add_subcommand("info", "coordinator, Kafka and membership summary");

  std::string tenant;  // empty: the token's tenant ("default" for the platform admin)
  app.add_option("--tenant", tenant,
                 "tenant namespace (platform admin only; a tenant token acts for its tenant)")
      ->envname("SKEIN_TENANT");
  CLI::App* sql = app.add_subcommand("sql", "run SQL statements on the cluster");
  std::string sql_text, sql_file;
  sql->add_option("statements", sql_text, "statements, separated by ';'");
  sql->add_option("-f,--file", sql_file, "file of statements")->check(CLI::ExistingFile);
  CLI::App* queries = app.add_subcommand("queries", "persistent queries of the tenant");
  queries->require_subcommand(1);
  CLI::App* queries_list = queries->add_subcommand("list", "list queries and their state");
  CLI::App* queries_describe = queries->add_subcommand("describe", "a query and its tasks");
  CLI::App* queries_terminate = queries->add_subcommand("terminate", "stop a query");
  std::string query_id;
  queries_describe->add_option("id", query_id, "query id")->required();
  queries_terminate->add_option("id", query_id, "query id")->required();
  CLI::App* select = app.add_subcommand(
      "select", "stream the rows of SELECT ... EMIT CHANGES, or run a pull query (no EMIT)");
  std::string select_sql;
  bool select_earliest = false;
  select->add_option("query", select_sql, "the push query (LIMIT n ends it) or pull query")
      ->required();
  select->add_flag("--earliest", select_earliest, "read inputs from the beginning");
  CLI::App* test = app.add_subcommand(
      "test", "run SQL statements against input records, no cluster (ksql-test-runner files)");
  std::string statements_path, input_path, output_path;
  test->add_option("--statements,-s", statements_path, "SQL statements file")->required();
  test->add_option("--input,-i", input_path, "input records JSON ({\"inputs\": [...]})")
      ->required();
  test->add_option("--output,-o", output_path, "expected output JSON ({\"outputs\": [...]})")
      ->required();
  CLI::App* qtt = app.add_subcommand("qtt", "run ksqlDB query-validation test (QTT) files");
  std::vector<std::string> qtt_paths;
  std::string qtt_filter;
  bool qtt_verbose = false;
  qtt->add_option("paths", qtt_paths, "QTT files or directories of them")->required();
  qtt->add_option("--filter", qtt_filter, "run only cases whose name contains this");
  qtt->add_flag("--verbose,-v", qtt_verbose, "also list passed and skipped cases");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (test->parsed()) {
    return skein::testrunner::RunSkeinTest(statements_path, input_path, output_path,
                                           skein::cli::MakeLocalEngine, std::cout);
  }
  if (qtt->parsed()) {
    return skein::testrunner::RunQtt(qtt_paths, qtt_filter, qtt_verbose,
                                     skein::cli::MakeLocalEngine, std::cout);
  }

  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      skein::ClientCredentials(tls_ca);
  if (!credentials.ok()) return Fail(credentials.status());
  const skein::cli::Connection connection{coordinator, token, *credentials};
  if (std::optional<int> code = skein::cli::RunTenantCommands(*tenant_commands, connection)) {
    return *code;
  }
  skein::cli::AdminClient client(connection);
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  if (executors_list->parsed()) {
    skein::v1::ListExecutorsResponse response;
    if (absl::Status s = client.ListExecutors(&response); !s.ok()) return Fail(s);
    std::fputs(skein::cli::FormatExecutorTable(response, now_ms).c_str(), stdout);
  } else if (executors_describe->parsed()) {
    skein::v1::ExecutorView view;
    if (absl::Status s = client.DescribeExecutor(executor_id, &view); !s.ok()) return Fail(s);
    std::fputs(skein::cli::FormatExecutor(view, now_ms).c_str(), stdout);
  } else if (executors_drain->parsed() || executors_undrain->parsed()) {
    skein::v1::ExecutorView view;
    if (absl::Status s = client.DrainExecutor(executor_id, executors_drain->parsed(), &view);
        !s.ok()) {
      return Fail(s);
    }
    std::fputs(skein::cli::FormatExecutor(view, now_ms).c_str(), stdout);
  } else if (sql->parsed()) {
    if (sql_text.empty() == sql_file.empty()) {
      return Fail(absl::InvalidArgumentError("give statements or -f FILE (exactly one)"));
    }
    if (!sql_file.empty()) {
      std::ifstream in(sql_file);
      sql_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    skein::v1::ExecuteStatementsResponse response;
    if (absl::Status s = client.ExecuteStatements(tenant, sql_text, &response); !s.ok()) {
      return Fail(s);
    }
    std::fputs(skein::cli::FormatStatementOutcomes(response).c_str(), stdout);
  } else if (select->parsed() && IsPullQuery(select_sql)) {
    absl::Status s = client.PullQuery(tenant, select_sql, [](const skein::v1::PullQueryMessage& m) {
      std::fputs(skein::cli::FormatPullMessage(m).c_str(), stdout);
    });
    if (!s.ok()) return Fail(s);
  } else if (select->parsed()) {
    std::map<std::string, std::string> props;
    if (select_earliest) props["auto.offset.reset"] = "earliest";
    absl::Status s =
        client.PushQuery(tenant, select_sql, props, [](const skein::v1::PushQueryMessage& m) {
          std::fputs(skein::cli::FormatPushMessage(m).c_str(), stdout);
          std::fflush(stdout);
        });
    if (!s.ok()) return Fail(s);
  } else if (queries_list->parsed()) {
    skein::v1::ListQueriesResponse response;
    if (absl::Status s = client.ListQueries(tenant, &response); !s.ok()) return Fail(s);
    std::fputs(skein::cli::FormatQueryTable(response).c_str(), stdout);
  } else if (queries_describe->parsed()) {
    skein::v1::QueryView view;
    if (absl::Status s = client.DescribeQuery(tenant, query_id, &view); !s.ok()) return Fail(s);
    std::fputs(skein::cli::FormatQuery(view).c_str(), stdout);
  } else if (queries_terminate->parsed()) {
    if (absl::Status s = client.TerminateQuery(tenant, query_id); !s.ok()) return Fail(s);
    std::printf("Terminated %s\n", query_id.c_str());
  } else if (cluster_info->parsed()) {
    skein::v1::ClusterInfo info;
    if (absl::Status s = client.GetClusterInfo(&info); !s.ok()) return Fail(s);
    std::fputs(skein::cli::FormatClusterInfo(info).c_str(), stdout);
  }
  return 0;
}
