#include "engine/hunt.h"

#include "engine/risk.h"
#include "io/worker_pool.h"

#include <chrono>
#include <filesystem>
#include <unordered_map>

namespace splinter::engine {

namespace {
class ScanSink : public io::EventSink {
 public:
  ScanSink(exec::Scanner& s, HuntResult& r, size_t keep) : scanner_(s), result_(r), keep_(keep) {}
  void on_event(const io::Event& e) override { scanner_.on_event(e); }
  void on_problem(const io::InputProblem& p) override {
    if (p.warning) ++result_.warnings_total;
    else ++result_.problems_total;
    if (result_.problems.size() < keep_) result_.problems.push_back(p);
  }

 private:
  exec::Scanner& scanner_;
  HuntResult& result_;
  size_t keep_;
};
}  // namespace

// Whether a plan reads the Risk data model: those scan this run's own risk events, in
// a second phase (see hunt()).
static bool reads_risk(const exec::Plan& p) { return p.dataset && p.dataset->name.starts_with("Risk."); }

bool HuntResult::has_input_errors() const {
  if (problems_total) return true;
  for (auto& f : files)
    if (f.failed || f.rejected) return true;
  return false;
}

bool HuntResult::has_content_errors() const {
  if (!content_errors.empty()) return true;
  for (auto& r : results)
    if (!r.error.empty()) return true;
  return false;
}

HuntResult hunt(const HuntOptions& opts) {
  auto start = std::chrono::steady_clock::now();
  HuntResult res;
  res.content = std::make_unique<content::Content>();
  content::Content& c = *res.content;
  content::load_builtin(c);
  if (!opts.content_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(opts.content_dir, ec)) {
      c.errors.push_back({opts.content_dir, "content directory not found"});
      res.fatal = true;
    } else {
      size_t before = c.errors.size();
      content::load_content_dir(opts.content_dir, c);
      // Not a checkout at all (as opposed to a few unreadable detection files).
      if (c.errors.size() > before && c.detections.size() <= content::builtin_detection_count()) res.fatal = true;
    }
  }

  // --detection may name a YAML file outside the content.
  std::vector<std::string> wanted;
  for (auto& w : opts.detections) {
    std::error_code ec;
    if ((w.ends_with(".yml") || w.ends_with(".yaml")) && std::filesystem::is_regular_file(w, ec)) {
      if (content::load_detection_file(w, c)) wanted.push_back(w);  // selected by its file path
      else res.fatal = true;
    } else {
      wanted.push_back(w);
    }
  }
  if (!opts.spl.empty()) {
    content::Detection adhoc;
    adhoc.name = "ad-hoc search";
    adhoc.id = "adhoc";
    adhoc.file = "--spl";
    adhoc.search = opts.spl;
    c.detections.push_back(std::move(adhoc));
    wanted = {"adhoc"};
  }
  content::add_default_filters(c);
  for (auto& m : opts.macro_files)
    if (!content::load_macros_file(m, c)) res.fatal = true;
  for (auto& e : c.errors) res.content_errors.push_back(e.where + ": " + e.what);

  std::vector<std::string> not_found;
  auto selected = content::select_detections(c, wanted, not_found);
  for (auto& n : not_found) res.content_errors.push_back("no detection named \"" + n + "\" (by name, id or file)");
  if (!not_found.empty()) res.fatal = true;
  if (res.fatal) {
    res.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return res;
  }

  std::vector<content::CompiledDetection> compiled;
  compiled.reserve(selected.size());
  // Two scanners, two phases. Phase 0 scans the logs, once, for every plan over them.
  // Phase 1 scans the risk events that phase 0's detections made (engine/risk.h), for
  // the plans over the Risk data model: ESCU's Correlation searches, which Enterprise
  // Security runs over the risk index that TTP and Anomaly searches fill. A detection
  // runs in phase 1 when it or one of its subsearches reads Risk; its other subsearches
  // still read the logs in phase 0. One round only: the risk events of phase-1
  // detections (ESCU's Correlation searches name risk_object a Victim observable) are
  // written by --risk but do not feed other Risk readers, so no Risk reader depends on
  // the order of the others and nothing can loop.
  exec::Scanner scanners[2];
  size_t scanner_plans[2] = {0, 0};
  // Per scanner index: which scanner and which of its plans.
  std::vector<std::pair<size_t, size_t>> scan_loc;
  auto add_scan = [&](exec::Plan* p) {
    const size_t s = reads_risk(*p) ? 1 : 0;
    scanners[s].add(p);
    scan_loc.emplace_back(s, scanner_plans[s]++);
  };
  auto scan_rows = [&](size_t idx) { return scanners[scan_loc[idx].first].rows(scan_loc[idx].second); };
  auto scan_dropped = [&](size_t idx) { return scanners[scan_loc[idx].first].dropped(scan_loc[idx].second); };
  auto scan_matched = [&](size_t idx) { return scanners[scan_loc[idx].first].matched(scan_loc[idx].second); };
  size_t scanned = 0;  // plans added to the scanners
  // Per compiled detection: its join subsearches (nested first) with their scanner index.
  std::vector<std::vector<std::pair<exec::SubPlan*, size_t>>> subs(selected.size());
  // Detections whose first command (the tstats or the raw search) is the same text scan
  // as one: ESCU repeats whole tstats clauses across detections that differ only in the
  // commands after it. det_scan[k]: detection k's scanner index.
  std::vector<size_t> det_scan(selected.size(), SIZE_MAX);
  std::vector<const exec::Plan*> scan_plan;         // per scanner index: the plan scanned
  std::unordered_map<std::string, size_t> first_cmd;  // phase + first command text -> scanner index
  // Phase of each detection: 1 if it or a subsearch of it reads the Risk data model.
  std::vector<unsigned char> phase(selected.size(), 0);
  for (size_t k = 0; k < selected.size(); ++k) {
    compiled.push_back(content::compile_detection(*selected[k], c.macros, &c.lookups));
    auto& cd = compiled.back();
    if (!cd.plan) continue;
    if (opts.max_groups) cd.plan->group.max_groups = opts.max_groups;
    std::vector<exec::SubPlan*> list;
    exec::collect_subplans(*cd.plan, list);
    bool risk = reads_risk(*cd.plan);
    for (auto* sub : list) risk = risk || reads_risk(*sub->plan);
    phase[k] = risk;
    if (cd.plan->generated) continue;  // | inputlookup: rows known already, nothing to scan
    // A scan's rows are taken once, in one phase: detections of different phases do
    // not share one.
    const spl::Span sp = cd.pipeline.commands.at(0).span;
    auto [it, fresh] =
        first_cmd.emplace(std::to_string(phase[k]) + cd.expanded.substr(sp.begin, sp.end - sp.begin), scanned);
    if (fresh) {
      add_scan(cd.plan.get());
      scan_plan.push_back(cd.plan.get());
      ++scanned;
    }
    det_scan[k] = it->second;
  }
  // Subsearches read the same single pass over the events; they are added after every
  // detection so that scanner index i is still the i-th detection with a plan. Many
  // detections share a subsearch word for word (the same Network_Traffic or Registry
  // tstats): it is scanned once and its rows are handed to each of them.
  std::unordered_map<std::string, size_t> sub_index;  // subsearch text -> scanner index
  std::unordered_map<size_t, exec::SubPlan*> scanned_sub;  // scanner index -> the subsearch scanned
  for (size_t k = 0; k < compiled.size(); ++k) {
    if (!compiled[k].plan) continue;
    std::vector<exec::SubPlan*> list;
    exec::collect_subplans(*compiled[k].plan, list);
    for (auto* sp : list) {
      if (opts.max_groups) sp->plan->group.max_groups = opts.max_groups;
      if (sp->plan->generated) {  // | inputlookup: not scanned
        subs[k].emplace_back(sp, SIZE_MAX);
        continue;
      }
      auto [it, fresh] = sub_index.emplace(sp->text, scanned);
      if (fresh) {
        add_scan(sp->plan.get());
        scanned_sub[scanned] = sp;
        ++scanned;
      }
      subs[k].emplace_back(sp, it->second);
    }
  }
  // Final rows of each scanned subsearch, computed by the first detection that needs them.
  std::unordered_map<size_t, std::vector<Row>> sub_rows;

  ScanSink sink(scanners[0], res, opts.max_problems_kept);
  if (!opts.inputs.empty()) res.files = io::read_inputs(opts.inputs, sink, opts.read);
  res.counters = scanners[0].counters();
  // Regex limits hit while scanning, before any row pipeline adds its own; taken per
  // scanner once its pass is over.
  std::vector<uint64_t> scan_hits(scan_plan.size());
  auto take_scan_hits = [&](size_t s) {
    for (size_t x = 0; x < scan_plan.size(); ++x)
      if (scan_loc[x].first == s) scan_hits[x] = scan_plan[x]->regex_limit_hits;
  };
  take_scan_hits(0);

  // Computes a subsearch's final rows (once per scanned text) and hands them to sp.
  auto run_subsearch = [&](exec::SubPlan* sp, size_t idx, exec::Plan& holder, DetectionResult& dr) {
    if (idx == SIZE_MAX) {  // | inputlookup: rows known since compiling
      sp->set_rows(exec::run_row_ops(*sp->plan, sp->plan->generated_rows));
    } else {
      const exec::Plan& sub = *sp->plan;
      if (uint64_t d = scan_dropped(idx))
        dr.warnings.push_back("results incomplete: " + sp->use + " subsearch: " + std::to_string(d) +
                              (sub.raw_search ? " matching event(s) not kept, limit of " + std::to_string(sub.max_raw_rows) + " events"
                                              : " event(s) not aggregated, group limit of " + std::to_string(sub.group.max_groups)) +
                              " reached");
      exec::Plan& ran = *scanned_sub.at(idx)->plan;  // sp itself, or the one scanned for an identical text
      auto cached = sub_rows.find(idx);
      if (cached == sub_rows.end()) cached = sub_rows.emplace(idx, exec::run_row_ops(ran, scan_rows(idx))).first;
      sp->set_rows(cached->second);
      holder.regex_limit_hits += ran.regex_limit_hits;
    }
    if (sp->rows_cut)
      dr.warnings.push_back("results may be incomplete: " + sp->use + " subsearch returned " +
                            std::to_string(sp->rows.size() + sp->rows_cut) + " rows; only the first " +
                            std::to_string(sp->max_rows) + " are used, as in Splunk");
  };
  // After the pass, each detection's pipeline runs on its scan's rows. Subsearch rows
  // come first, one detection after the other (identical subsearches share one result).
  // Then the detections run in parallel, one task per scan: a scan that several
  // detections share (ESCU repeats whole tstats clauses) makes its rows once, copies
  // them to all but its last reader, and hands them over to the last. Pipelines of
  // different detections share nothing they write.
  std::vector<DetectionResult> results(compiled.size());
  auto run_phase = [&](unsigned char ph) {
    for (size_t i = 0; i < compiled.size(); ++i) {
      if (phase[i] != ph) continue;
      DetectionResult& dr = results[i];
      dr.detection = compiled[i].detection;
      if (!compiled[i].plan) {
        dr.error = compiled[i].error;
        continue;
      }
      exec::Plan& plan = *compiled[i].plan;
      dr.warnings = plan.warnings;
      if (det_scan[i] != SIZE_MAX && scan_plan[det_scan[i]] != &plan)
        plan.regex_limit_hits = scan_hits[det_scan[i]];  // counted on the plan that was scanned
      for (auto& [sp, idx] : subs[i]) run_subsearch(sp, idx, plan, dr);
    }
    std::vector<std::vector<size_t>> tasks;  // detections per task, in detection order
    {
      std::unordered_map<size_t, size_t> task_of_scan;
      for (size_t i = 0; i < compiled.size(); ++i) {
        if (!compiled[i].plan || phase[i] != ph) continue;
        if (det_scan[i] == SIZE_MAX) {  // | inputlookup ...: its rows were read when compiling
          tasks.push_back({i});
          continue;
        }
        auto [it, fresh] = task_of_scan.emplace(det_scan[i], tasks.size());
        if (fresh) tasks.emplace_back();
        tasks[it->second].push_back(i);
      }
    }
    auto finish = [&](size_t i, std::vector<Row> rows) {
      DetectionResult& dr = results[i];
      exec::Plan& plan = *compiled[i].plan;
      dr.rows = exec::run_row_ops(plan, std::move(rows));
      for (auto& [sp, idx] : subs[i]) sp->rows = {};  // only needed while the pipeline ran
      // Splunk warns likewise when a regex exceeds limits.conf's match or depth limit.
      dr.regex_limit_hits = plan.regex_limit_hits;
      if (det_scan[i] != SIZE_MAX && plan.regex_limit_hits)
        dr.warnings.push_back("results may be incomplete: " + std::to_string(plan.regex_limit_hits) +
                              " regular expression match(es) gave up at PCRE2's backtracking limit and counted "
                              "as no match");
    };
    io::parallel_for(tasks.size(), opts.read.threads, [&](size_t t) {
      const std::vector<size_t>& dets = tasks[t];
      const size_t first = dets.front();
      if (det_scan[first] == SIZE_MAX) {
        finish(first, compiled[first].plan->generated_rows);
        return;
      }
      const size_t si = det_scan[first];
      for (size_t i : dets) {
        DetectionResult& dr = results[i];
        const exec::Plan& plan = *compiled[i].plan;
        dr.matched_events = scan_matched(si);
        dr.dropped_groups = scan_dropped(si);
        if (dr.dropped_groups)
          dr.warnings.push_back(
              "results incomplete: " + std::to_string(dr.dropped_groups) +
              (plan.raw_search ? " matching event(s) not kept, limit of " + std::to_string(plan.max_raw_rows) + " events"
                               : " event(s) not aggregated, group limit of " + std::to_string(plan.group.max_groups)) +
              " reached");
      }
      std::vector<Row> rows = scan_rows(si);
      for (size_t k = 0; k + 1 < dets.size(); ++k) finish(dets[k], rows);
      finish(dets.back(), std::move(rows));
    });
  };
  run_phase(0);
  if (scanner_plans[1]) {
    // The risk events of phase 0, in detection order, as the Risk data model's events.
    io::Event ev;
    for (size_t i = 0; i < compiled.size(); ++i) {
      if (phase[i] != 0 || !compiled[i].plan) continue;
      for_each_risk_event(results[i], [&](const RiskEvent& r) {
        to_event(r, ev);
        scanners[1].on_event(ev);
      });
    }
    take_scan_hits(1);
    run_phase(1);
  }
  res.results = std::move(results);
  res.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

}  // namespace splinter::engine
