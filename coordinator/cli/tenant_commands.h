#pragma once

// `skein tenants create|list|describe|delete|quota|token|usage`: the Tenants API from the CLI.

#include <memory>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "admin_commands.h"
#include "skein/v1/tenants.grpc.pb.h"

namespace skein::cli {

// The parsed flags of the `tenants` subcommands. Owned by main(); filled by CLI11.
struct TenantCommands {
  CLI::App* create = nullptr;
  CLI::App* list = nullptr;
  CLI::App* describe = nullptr;
  CLI::App* remove = nullptr;
  CLI::App* quota = nullptr;
  CLI::App* token_create = nullptr;
  CLI::App* token_revoke = nullptr;
  CLI::App* usage = nullptr;
  std::string name;
  std::string token_id;
  std::string description;
  // Quota flags; std::nullopt: not given (quota keeps the current value).
  std::optional<int64_t> cpu_millicores, memory_bytes, max_queries, max_tasks, ingest;
};

// Adds the `tenants` subcommand tree to `app`.
std::unique_ptr<TenantCommands> AddTenantCommands(CLI::App* app);

// Runs whichever `tenants` subcommand was parsed and returns the process exit code; nullopt
// when none was.
std::optional<int> RunTenantCommands(const TenantCommands& commands, const Connection& connection);

std::string FormatTenant(const v1::TenantView& tenant);
std::string FormatTenantTable(const v1::ListTenantsResponse& tenants);
std::string FormatUsage(const v1::TenantUsage& usage);

}  // namespace skein::cli
