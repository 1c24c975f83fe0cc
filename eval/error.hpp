#pragma once

#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json_fwd.hpp>

namespace pingyi::eval {

// Why an input was refused, for a 400: `path` is machine-readable
// ("scoring.weights", "scores[2].score"), `message` is Chinese for people.
struct error {
  std::string path;
  std::string message;

  bool operator==(const error&) const = default;
};

// A value or the error that prevented it (std::expected is C++23).
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}
  result(error e) : v_(std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

// The offending value as it appears in JSON, shortened for a message.
std::string describe(const nlohmann::json& value);

}  // namespace pingyi::eval
