#include "eval/error.hpp"

#include <nlohmann/json.hpp>

namespace pingyi::eval {

std::string describe(const nlohmann::json& value) {
  constexpr std::size_t limit = 80;
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  // Never cut a UTF-8 sequence in half: back up to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "…";
}

}  // namespace pingyi::eval
