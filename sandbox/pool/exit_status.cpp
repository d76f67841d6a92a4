#include "exit_status.h"

#include <sys/wait.h>

namespace pool {

int client_status(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    return kFailure;
}

}  // namespace pool
