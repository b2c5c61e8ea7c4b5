#pragma once

namespace skein {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and every thread it starts later.
// Call first thing in main(), before any thread exists.
void BlockTerminationSignals();

// Waits until SIGTERM, SIGINT or SIGHUP arrives and returns its number. Requires
// BlockTerminationSignals() to have been called.
int WaitForTerminationSignal();

}  // namespace skein
