#include "exec/scanner.h"

namespace splinter::exec {

namespace {
class RecordAccess : public FieldAccess {
 public:
  RecordAccess(cim::Record& r, double time, bool has_time) : r_(r) {
    if (has_time) time_ = Value::of(time);
  }
  const Value* get(int id) override {
    if (id == kTimeField) return time_.is_null() ? nullptr : &time_;
    return r_.get(id);
  }

 private:
  cim::Record& r_;
  Value time_;
};
}  // namespace

void Scanner::add(Plan* plan) { entries_.push_back({plan, std::make_unique<GroupTable>(plan->group), 0}); }

void Scanner::on_event(const io::Event& e) {
  ++counters_.events;
  routed_.clear();
  router_.route(e, routed_);
  if (routed_.empty()) return;
  bool has_time = e.time_us != io::kNoTime;
  if (!has_time) ++counters_.no_time;
  double time = has_time ? static_cast<double>(e.time_us) / 1e6 : 0;
  bool any = false;
  for (const cim::SourceMapping* m : routed_) {
    const cim::Dataset* d = cim::find_dataset(m->dataset);
    if (!d) continue;
    bool reset = false;
    for (auto& en : entries_) {
      if (en.plan->dataset != d) continue;
      if (!reset) record_.reset(&e, m, d), reset = true, any = true;
      RecordAccess access(record_, time, has_time);
      if (!en.plan->where.matches(access)) continue;
      ++en.matched;
      en.table->add(access, time);
    }
  }
  if (any) ++counters_.routed;
}

std::vector<Row> Scanner::rows(size_t i) const { return entries_[i].table->rows(); }

}  // namespace splinter::exec
