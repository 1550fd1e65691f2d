// The project's User-Agent, with the version CMake gives.
#include "transport/user_agent.hpp"

#ifndef GATEHOUSE_VERSION
#define GATEHOUSE_VERSION "0.0.0"
#endif

namespace gatehouse::transport {

// Constant-initialized, so a default argument read during static initialization sees it too.
const std::string_view default_user_agent =
    "DiscordBot (https://github.com/gatehouse/gatehouse, " GATEHOUSE_VERSION ")";

}  // namespace gatehouse::transport
