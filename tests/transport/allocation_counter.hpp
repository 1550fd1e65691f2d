// Test support: counts calls to the global operator new in this test program, so that a test
// can show a hot path allocates nothing once warmed up.
#pragma once

#include <cstddef>

namespace gatehouse::testing {

// Allocations made so far by this program.
std::size_t allocations();

}  // namespace gatehouse::testing
