#include "common/literal_set.h"

#include "common/strings.h"

namespace splinter {

uint32_t LiteralSet::add(std::string_view literal) {
  std::string lower = to_lower(literal);
  auto [it, fresh] = ids_.emplace(lower, uint32_t(literals_.size()));
  if (fresh) literals_.push_back(std::move(lower));
  return it->second;
}

void LiteralSet::build() {
  // Byte classes: one per distinct (folded) byte used by a literal, so the table is
  // states x classes rather than states x 256.
  cls_.fill(0);
  classes_ = 1;
  for (const auto& l : literals_)
    for (char c : l) {
      auto u = static_cast<unsigned char>(c);
      if (!cls_[u]) cls_[u] = uint8_t(classes_++);
    }
  for (int c = 'A'; c <= 'Z'; ++c) cls_[size_t(c)] = cls_[size_t(c - 'A' + 'a')];
  // At most 256 - 26 distinct bytes after folding: the classes fit a uint8_t.
  // Trie.
  std::vector<uint32_t> go(classes_, kNone);
  std::vector<std::vector<uint32_t>> own(1);
  for (uint32_t id = 0; id < literals_.size(); ++id) {
    uint32_t s = 0;
    for (char c : literals_[id]) {
      const size_t k = size_t(s) * classes_ + cls_[static_cast<unsigned char>(c)];
      if (go[k] == kNone) {
        go[k] = uint32_t(own.size());
        own.emplace_back();
        go.resize(go.size() + classes_, kNone);
      }
      s = go[k];
    }
    own[s].push_back(id);
  }
  const size_t states = own.size();
  // Breadth-first: failure links, the complete transition table and output lists
  // (a state's own literals, then those of its failure state).
  next_.assign(states * classes_, 0);
  std::vector<uint32_t> fail(states, 0), order;
  order.reserve(states);
  out_head_.assign(states, kNone);
  out_next_.clear();
  out_id_.clear();
  for (uint32_t c = 0; c < classes_; ++c) {
    const uint32_t t = go[c];
    if (t != kNone && c != 0) {
      next_[c] = t;
      order.push_back(t);
    }
  }
  auto link_outputs = [&](uint32_t s) {
    uint32_t head = s == 0 ? kNone : out_head_[fail[s]];
    for (uint32_t id : own[s]) {
      out_id_.push_back(id);
      out_next_.push_back(head);
      head = uint32_t(out_id_.size() - 1);
    }
    out_head_[s] = head;
  };
  for (size_t i = 0; i < order.size(); ++i) {
    const uint32_t s = order[i];
    link_outputs(s);
    for (uint32_t c = 1; c < classes_; ++c) {
      const uint32_t t = go[size_t(s) * classes_ + c];
      const uint32_t via_fail = next_[size_t(fail[s]) * classes_ + c];
      if (t == kNone) {
        next_[size_t(s) * classes_ + c] = via_fail;
      } else {
        fail[t] = via_fail;
        next_[size_t(s) * classes_ + c] = t;
        order.push_back(t);
      }
    }
  }
}

}  // namespace splinter
