// Intent names and bits (§7.1), and parsing a list of them from configuration text.
#include "core/intents.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include "core/error.hpp"

namespace gatehouse::core {
namespace {

constexpr std::array<intent_info, 21> intents{{
    {"GUILDS", 1u << 0, false},
    {"GUILD_MEMBERS", 1u << 1, true},
    {"GUILD_MODERATION", 1u << 2, false},
    {"GUILD_EXPRESSIONS", 1u << 3, false},
    {"GUILD_INTEGRATIONS", 1u << 4, false},
    {"GUILD_WEBHOOKS", 1u << 5, false},
    {"GUILD_INVITES", 1u << 6, false},
    {"GUILD_VOICE_STATES", 1u << 7, false},
    {"GUILD_PRESENCES", 1u << 8, true},
    {"GUILD_MESSAGES", 1u << 9, false},
    {"GUILD_MESSAGE_REACTIONS", 1u << 10, false},
    {"GUILD_MESSAGE_TYPING", 1u << 11, false},
    {"DIRECT_MESSAGES", 1u << 12, false},
    {"DIRECT_MESSAGE_REACTIONS", 1u << 13, false},
    {"DIRECT_MESSAGE_TYPING", 1u << 14, false},
    {"MESSAGE_CONTENT", 1u << 15, true},
    {"GUILD_SCHEDULED_EVENTS", 1u << 16, false},
    {"AUTO_MODERATION_CONFIGURATION", 1u << 20, false},
    {"AUTO_MODERATION_EXECUTION", 1u << 21, false},
    {"GUILD_MESSAGE_POLLS", 1u << 24, false},
    {"DIRECT_MESSAGE_POLLS", 1u << 25, false},
}};

// Names Discord used before the renames of 2023-01 and 2024-09 (§7.1).
struct former_name {
  std::string_view name;
  std::uint32_t bit;
};
constexpr std::array<former_name, 2> former_names{{
    {"GUILD_BANS", 1u << 2},
    {"GUILD_EMOJIS_AND_STICKERS", 1u << 3},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != b[i]) {
      return false;
    }
  }
  return true;
}

bool lookup(std::string_view name, std::uint32_t& bit) {
  for (const auto& i : intents) {
    if (equals_ignoring_case(name, i.name)) {
      bit = i.bit;
      return true;
    }
  }
  for (const auto& f : former_names) {
    if (equals_ignoring_case(name, f.name)) {
      bit = f.bit;
      return true;
    }
  }
  return false;
}

}  // namespace

std::span<const intent_info> all_intents() {
  return intents;
}

std::uint32_t parse_intents(std::string_view text, std::error_code& ec, std::string* unknown_name) {
  ec.clear();

  // A plain number is taken as the bitfield itself; one that a uint32 cannot hold, negative ones
  // included, is out of range rather than an unknown name.
  const bool is_negative = text.starts_with('-');
  const auto digits = text.substr(is_negative ? 1 : 0);
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
    std::uint32_t number = 0;
    const auto rc = std::from_chars(digits.data(), digits.data() + digits.size(), number).ec;
    if (is_negative || rc == std::errc::result_out_of_range) {
      ec = std::make_error_code(std::errc::result_out_of_range);
      return 0;
    }
    if ((number & ~defined_intents) != 0) {
      ec = error::undefined_intent_bits;
      return 0;
    }
    return number;
  }

  // Names between ',' or '|', each of which may hold several names separated by blanks; an empty
  // one ("GUILDS,,") is refused, since it is more likely a name lost in editing than padding.
  std::uint32_t mask = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto stop = text.find_first_of(",|", start);
    if (stop == std::string_view::npos) {
      stop = text.size();
    }
    const auto item = text.substr(start, stop - start);
    start = stop + 1;

    bool any = false;
    std::size_t pos = 0;
    while (pos < item.size()) {
      pos = item.find_first_not_of(" \t", pos);
      if (pos == std::string_view::npos) {
        break;
      }
      const auto name = item.substr(pos, item.find_first_of(" \t", pos) - pos);
      pos += name.size();

      std::uint32_t bit = 0;
      if (!lookup(name, bit)) {
        ec = error::unknown_intent;
        if (unknown_name != nullptr) {
          *unknown_name = name;
        }
        return 0;
      }
      mask |= bit;
      any = true;
    }
    if (!any) {
      ec = error::unknown_intent;
      return 0;
    }
  }

  return mask;
}

std::string intent_names(std::uint32_t mask) {
  std::string out;
  auto append = [&out](std::string_view part) {
    if (!out.empty()) {
      out += '|';
    }
    out += part;
  };

  for (const auto& i : intents) {
    if ((mask & i.bit) != 0) {
      append(i.name);
      mask &= ~i.bit;
    }
  }
  for (int n = 0; n < 32; ++n) {
    if ((mask & (1u << n)) != 0) {
      append("1<<" + std::to_string(n));
    }
  }

  return out.empty() ? "none" : out;
}

std::string valid_intent_names() {
  std::string out;
  for (const auto& i : intents) {
    if (!out.empty()) {
      out += ", ";
    }
    out += i.name;
    if (i.privileged) {
      out += " (privileged)";
    }
  }
  return out;
}

}  // namespace gatehouse::core
