// splinter command line: `splinter hunt [options] PATH...`, `splinter list`, `splinter explain`.
//
// Exit codes: 0 success; 1 internal error; 2 usage error; 3 some input could not be
// read or had malformed records (the rest was processed); 4 content errors (a
// requested detection did not compile, a content or macros file was unreadable).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "common/timefmt.h"
#include "engine/hunt.h"
#include "output/writers.h"
#include "spl/parser.h"

using namespace splinter;

namespace {

struct Progress {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last = start;
  bool shown = false;
  void operator()(uint64_t bytes) {
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(250)) return;
    last = now;
    double s = std::chrono::duration<double>(now - start).count();
    std::fprintf(stderr, "\rsplinter: %.1f MB read, %.1f MB/s   ", static_cast<double>(bytes) / 1e6,
                 s > 0 ? static_cast<double>(bytes) / 1e6 / s : 0.0);
    shown = true;
  }
  void clear() {
    if (shown) std::fprintf(stderr, "\r%60s\r", "");
  }
};

// An output file that is also an input (or the other output) would be truncated
// before it is read: refuse rather than destroy evidence.
std::string output_clash(const std::string& out, const std::string& risk, const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto same = [&](const std::string& a, const std::string& b) {
    return !a.empty() && !b.empty() && (a == b || fs::equivalent(a, b, ec));
  };
  if (same(out, risk)) return "--output and --risk name the same file (" + out + ")";
  // Inside an input directory, the output would be truncated if it is one of the logs,
  // or read back as input if it is new: either way the run is wrong.
  // Where a write to `file` lands: a symlink whose target does not exist yet is not
  // resolved by weakly_canonical (status() fails on it), but opening it creates the target.
  auto landing = [&](const std::string& file) {
    fs::path p = fs::absolute(file, ec);
    for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
      fs::path t = fs::read_symlink(p, ec);
      if (ec) break;
      p = t.is_absolute() ? t : p.parent_path() / t;
    }
    return fs::weakly_canonical(p, ec);
  };
  auto inside = [&](const std::string& file, const std::string& dir) {
    if (file.empty() || !fs::is_directory(dir, ec)) return false;
    const fs::path f = landing(file);
    if (ec) return false;
    const fs::path d = fs::weakly_canonical(fs::absolute(dir, ec), ec);
    if (ec) return false;
    auto [end, _] = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
    return end == d.end();
  };
  // What the directory walk can reach from `dir`, following links as the reader does
  // (each directory once): the output must not land in any of those directories, and an
  // existing output with other hard links must not be one of the files there.
  auto reachable_clash = [&](const std::string& file, const std::string& dir) -> std::string {
    if (file.empty() || !fs::is_directory(dir, ec)) return "";
    const fs::path target_dir = landing(file).parent_path();
    const fs::file_status st = fs::status(file, ec);
    const bool linked = !ec && fs::is_regular_file(st) && fs::hard_link_count(file, ec) > 1 && !ec;
    ec.clear();
    std::vector<fs::path> todo{fs::weakly_canonical(fs::absolute(dir, ec), ec)};
    std::set<fs::path> seen{todo.front()};
    while (!todo.empty()) {
      const fs::path d = std::move(todo.back());
      todo.pop_back();
      if (d == target_dir) return "output file " + file + " is inside input directory " + dir +
                                  " (through a link); it would overwrite a log there or be read as one";
      std::error_code e2;
      for (fs::directory_iterator it(d, fs::directory_options::skip_permission_denied, e2), end; !e2 && it != end;
           it.increment(e2)) {
        std::error_code e3;
        if (it->is_directory(e3)) {
          fs::path c = fs::canonical(it->path(), e3);
          if (!e3 && seen.insert(c).second) todo.push_back(std::move(c));
        } else if (linked && it->is_regular_file(e3) && fs::equivalent(it->path(), file, e3)) {
          return "output file " + file + " is a hard link to input " + it->path().string() + "; it would be overwritten";
        }
      }
    }
    return "";
  };
  for (const std::string* o : {&out, &risk})
    for (auto& in : inputs) {
      if (in == "-") continue;
      if (same(*o, in)) return "output file " + *o + " is also an input; it would be overwritten";
      if (inside(*o, in))
        return "output file " + *o + " is inside input directory " + in +
               "; it would overwrite a log there or be read as one (write it elsewhere)";
      if (std::string why = reachable_clash(*o, in); !why.empty()) return why;
    }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"splinter: run Splunk security detections (SPL) directly on raw endpoint logs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("splinter ") + SPLINTER_VERSION);

  engine::HuntOptions opts;
  std::string format = "table", risk_file, out_file, tz = "UTC";
  bool verbose = false, quiet = false;
  unsigned threads = 0;

  auto* hunt = app.add_subcommand("hunt", "Run detections over log files, directories or - (stdin)");
  // Paths may be left out only with --spl (checked below): | makeresults and | inputlookup
  // need no logs.
  hunt->add_option("paths", opts.inputs, "Log files or directories (XmlWinEventLog, classic WinEventLog text, EVTX, JSON; gzip/zstd)");
  hunt->add_option("--content", opts.content_dir, "security_content checkout (detections/, macros/)");
  // Options that may repeat take one value each, so "--macros m.yml a.log b.log" never
  // swallows a log path.
  hunt->add_option("-d,--detection", opts.detections, "Detection name, id or YAML file (repeatable; default: all)")
      ->allow_extra_args(false);
  hunt->add_option("--spl", opts.spl, "Run this SPL search instead of detections");
  hunt->add_option("--macros", opts.macro_files, "Macros file (YAML or macros.conf) overriding content, e.g. a _filter allowlist (repeatable)")
      ->allow_extra_args(false);
  hunt->add_option("-f,--format", format, "Result format: table, json, csv")->capture_default_str();
  hunt->add_option("-o,--output", out_file, "Write results to FILE instead of stdout (- is stdout)");
  hunt->add_option("--risk", risk_file, "Also write risk events (JSON lines) to FILE (- : stdout, with -o FILE)");
  hunt->add_option("--tz", tz, "Time zone for ctime output (IANA name)")->capture_default_str();
  hunt->add_flag("--carve", opts.read.carve, "EVTX: also recover records from chunk slack space");
  hunt->add_option("--threads", threads, "Threads for reading and decoding (0 or unset: all cores)");
  hunt->add_flag("-v,--verbose", verbose, "Summary per file and per detection, with notes");
  hunt->add_flag("-q,--quiet", quiet, "No summary on stderr");

  std::string content_dir;
  std::vector<std::string> list_macros;
  auto* list = app.add_subcommand("list", "List the detections splinter can load, and whether each compiles");
  list->add_option("--content", content_dir, "security_content checkout");
  list->add_option("--macros", list_macros, "Macros file (repeatable)")->allow_extra_args(false);
  bool list_verbose = false;
  list->add_flag("-v,--verbose", list_verbose, "Say why each detection that does not compile fails");

  std::string spl_text;
  auto* explain = app.add_subcommand("explain", "Show how a detection compiles: expanded SPL and commands");
  explain->add_option("--content", content_dir, "security_content checkout");
  explain->add_option("--macros", list_macros, "Macros file overriding content, to preview an allowlist (repeatable)")
      ->allow_extra_args(false);
  auto* explain_d = explain->add_option("-d,--detection", opts.detections, "Detection name, id or YAML file (repeatable)")
                        ->allow_extra_args(false);
  auto* explain_spl = explain->add_option("--spl", spl_text, "Explain this SPL search instead");
  explain_d->excludes(explain_spl);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  try {
    if (*hunt) {
      output::Format fmt;
      if (!output::parse_format(format, fmt)) {
        std::cerr << "splinter: unknown --format " << format << " (table, json, csv)\n";
        return 2;
      }
      if (!set_display_timezone(tz)) {
        std::cerr << "splinter: unknown time zone " << tz << "\n";
        return 2;
      }
      opts.read.threads = threads;
      if (opts.inputs.empty() && hunt->get_option("--spl")->count() == 0) {
        std::cerr << "splinter: hunt needs log paths (files, directories or - for stdin)\nRun with --help for more information.\n";
        return 2;
      }
      if (hunt->get_option("--spl")->count() > 0) {
        if (opts.spl.find_first_not_of(" \t\r\n") == std::string::npos) {
          std::cerr << "splinter: --spl is empty\n";
          return 2;
        }
        if (!opts.detections.empty()) {
          std::cerr << "splinter: --spl runs one ad-hoc search; it cannot be combined with --detection\n";
          return 2;
        }
      }
      if (out_file == "-") out_file.clear();  // "-o -": stdout, as "-" is stdin for inputs
      // "--risk -": risk events on stdout, so the rows must go to a file.
      const bool risk_stdout = risk_file == "-";
      if (risk_stdout) {
        if (out_file.empty()) {
          std::cerr << "splinter: --risk - writes risk events to stdout; give the rows a file with -o FILE\n";
          return 2;
        }
        risk_file.clear();
      }
      if (std::string why = output_clash(out_file, risk_file, opts.inputs); !why.empty()) {
        std::cerr << "splinter: " << why << "\n";
        return 2;
      }
      // Open outputs before the (possibly long) run, so a bad path fails at once.
      std::ofstream file_out, risk_out;
      std::ostream* out = &std::cout;
      if (!out_file.empty()) {
        file_out.open(out_file);
        if (!file_out) {
          std::cerr << "splinter: cannot write " << out_file << "\n";
          return 2;
        }
        out = &file_out;
      }
      if (!risk_file.empty()) {
        risk_out.open(risk_file);
        if (!risk_out) {
          std::cerr << "splinter: cannot write " << risk_file << "\n";
          return 2;
        }
      }
      Progress progress;
      bool tty = isatty(2) && !quiet;
      if (tty) opts.read.progress = [&](uint64_t b) { progress(b); };
      engine::HuntResult r = engine::hunt(opts);
      progress.clear();
      if (r.fatal) {
        for (auto& e : r.content_errors) std::cerr << "splinter: " << e << "\n";
        std::cerr << "splinter: nothing was run\n";
        return 4;
      }
      output::write_rows(*out, r, fmt);
      out->flush();
      bool write_failed = !*out;
      bool risk_failed = false;
      if (risk_stdout) {
        output::write_risk_events(std::cout, r);
        std::cout.flush();
        risk_failed = !std::cout;
      } else if (!risk_file.empty()) {
        output::write_risk_events(risk_out, r);
        risk_out.close();
        risk_failed = !risk_out;
      }
      if (write_failed || risk_failed) {
        std::cerr << "splinter: error writing " << (write_failed ? "results" : "risk events") << " (disk full?)\n";
        return 1;
      }
      if (!quiet) output::write_summary(std::cerr, r, verbose);
      else output::write_input_errors(std::cerr, r);  // -q still says why the exit code is 3
      // Detections the user named (or the built-in one, run when no content is given)
      // must compile; when running a whole content tree, unsupported ones are listed in
      // the summary but are not an error.
      bool named = !opts.detections.empty() || !opts.spl.empty() || opts.content_dir.empty();
      bool content_err = !r.content_errors.empty();
      for (auto& d : r.results)
        if (named && !d.error.empty()) {
          content_err = true;
          if (quiet) std::cerr << d.error << "\n";
        }
      if (quiet)
        for (auto& e : r.content_errors) std::cerr << "content error: " << e << "\n";
      if (content_err) return 4;
      if (r.has_input_errors()) return 3;
      return 0;
    }
    if (*explain && opts.detections.empty() && spl_text.empty()) {
      std::cerr << "splinter explain: name a detection (-d) or give a search (--spl)\n";
      return 2;
    }
    if (*list || *explain) {
      engine::HuntOptions o;
      o.content_dir = content_dir;
      o.macro_files = list_macros;
      if (*explain) o.detections = opts.detections, o.spl = spl_text;
      engine::HuntResult r = engine::hunt(o);
      for (auto& e : r.content_errors) std::cerr << "content error: " << e << "\n";
      size_t ok = 0;
      for (auto& dr : r.results) {
        const auto& d = *dr.detection;
        if (*list) {
          std::cout << (dr.error.empty() ? "ok     " : "error  ") << d.id << "  " << d.name << "\n";
          if (!dr.error.empty() && list_verbose) std::cout << "    " << dr.error << "\n";
        } else {
          std::cout << "detection: " << d.name << " [" << d.id << "]\nfile: " << d.file << "\n";
          auto cd = content::compile_detection(d, r.content->macros, &r.content->lookups);
          std::cout << "expanded: " << cd.expanded << "\n";
          for (auto& c : cd.pipeline.commands) std::cout << "  | " << c.name << "\n";
          if (!cd.error.empty()) std::cout << cd.error << "\n";
          for (auto& w : dr.warnings) std::cout << "note: " << w << "\n";
        }
        ok += dr.error.empty();
      }
      if (*list) std::cerr << ok << " of " << r.results.size() << " detections compile\n";
      if (r.fatal || !r.content_errors.empty()) return 4;
      // explain names its detections: one that does not compile is a content error.
      return (*explain && ok != r.results.size()) ? 4 : 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "splinter: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
