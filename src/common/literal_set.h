// Many literals found in one pass over a text (Aho-Corasick, ASCII case-insensitive):
// the prefilter that tells which of hundreds of searches can match an event by
// scanning each field value once, instead of once per search.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace splinter {

class LiteralSet {
 public:
  // Adds a literal (non-empty; matched ASCII case-insensitively) and returns its id.
  // Adding the same text twice returns the first id.
  uint32_t add(std::string_view literal);
  size_t size() const { return literals_.size(); }
  bool empty() const { return literals_.empty(); }
  // Builds the automaton; call after the last add() and before scan().
  void build();
  // Calls on_match(id) for every occurrence of every literal in text (an id may be
  // reported more than once).
  template <class F>
  void scan(std::string_view text, F&& on_match) const {
    uint32_t s = 0;
    for (char c : text) {
      s = next_[size_t(s) * classes_ + cls_[static_cast<unsigned char>(c)]];
      for (uint32_t o = out_head_[s]; o != kNone; o = out_next_[o]) on_match(out_id_[o]);
    }
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<std::string> literals_;  // lower-cased
  std::unordered_map<std::string, uint32_t> ids_;
  std::array<uint8_t, 256> cls_{};     // byte -> class; 0 = a byte in no literal
  uint32_t classes_ = 1;
  std::vector<uint32_t> next_;         // state * classes_ + class -> state (complete DFA)
  // Per state, the literals that end there (its own and its suffixes'), as a list.
  std::vector<uint32_t> out_head_, out_next_, out_id_;
};

}  // namespace splinter
