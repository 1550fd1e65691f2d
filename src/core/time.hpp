// Time as the protocol core sees it: points and durations handed in by the caller.
// Nothing in core reads a clock; tests pass points from a fake clock.
#pragma once

#include <chrono>

namespace gatehouse::core {

using time_point = std::chrono::steady_clock::time_point;
using duration = std::chrono::steady_clock::duration;
using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace gatehouse::core
