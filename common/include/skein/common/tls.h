#pragma once

// gRPC credentials from PEM files, shared by the servers and clients of both planes and the CLI.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace skein {

// TLS server credentials from a PEM certificate chain and its private key.
// FAILED_PRECONDITION naming the file that cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const std::string& cert_file, const std::string& key_file);

// Channel credentials for a client: TLS trusting the PEM CA certificate in `ca_file`, or
// plaintext when `ca_file` is empty. FAILED_PRECONDITION when the file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const std::string& ca_file);

}  // namespace skein
