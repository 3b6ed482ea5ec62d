#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/strings.h"
#include "content/builtin.h"
#include "content/detection.h"
#include "io/worker_pool.h"
#include "spl/parser.h"

namespace splinter::content {

namespace fs = std::filesystem;

double Detection::score() const {
  if (!risk_objects.empty() && risk_objects.front().score > 0) return risk_objects.front().score;
  if (risk_score >= 0) return risk_score;
  if (impact >= 0 && confidence >= 0) return impact * confidence / 100.0;
  return 0;
}

bool Detection::creates_risk() const {
  if (id == "adhoc" || iequals(type, "hunting")) return false;
  return !risk_objects.empty();
}

std::string Detection::filter_macro() const {
  std::string out;
  for (char c : name) {
    char l = ascii_lower(c);
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) out += l;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out + "_filter";
}

namespace {

std::string str(const YAML::Node& n) {
  if (!n || !n.IsScalar()) return {};
  return n.as<std::string>();
}
double num(const YAML::Node& n) {
  double d;
  return n && n.IsScalar() && parse_number(n.as<std::string>(), d) ? d : -1;
}
std::vector<std::string> strs(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence())
    for (auto x : n)
      if (x.IsScalar()) out.push_back(x.as<std::string>());
  return out;
}

// Observable type -> Enterprise Security risk object type (Victim role).
std::string risk_type(const std::string& t) {
  std::string l = to_lower(t);
  if (l == "user" || l == "user name") return "user";
  if (l == "hostname" || l == "ip address" || l == "endpoint" || l == "system") return "system";
  return "other";
}
// Observable type -> threat object type (Attacker role), as contentctl names them.
std::string threat_type(const std::string& t) {
  std::string l = to_lower(t);
  if (l == "process") return "process";
  if (l == "process name") return "process_name";
  if (l == "file name") return "file_name";
  if (l == "file path") return "file_path";
  if (l == "file hash") return "file_hash";
  if (l == "url string" || l == "url") return "url";
  if (l == "ip address") return "ip_address";
  if (l == "domain") return "domain";
  std::string out;
  for (char c : l) out += c == ' ' ? '_' : c;
  return out;
}

Detection parse_detection(const YAML::Node& y, const std::string& file) {
  Detection d;
  d.file = file;
  d.name = str(y["name"]);
  d.id = str(y["id"]);
  d.type = str(y["type"]);
  d.status = str(y["status"]);
  d.description = str(y["description"]);
  d.search = str(y["search"]);
  YAML::Node tags = y["tags"];
  if (tags) {
    d.impact = num(tags["impact"]);
    d.confidence = num(tags["confidence"]);
    d.risk_score = num(tags["risk_score"]);
    d.message = str(tags["message"]);
    d.mitre_attack_ids = strs(tags["mitre_attack_id"]);
    d.analytic_stories = strs(tags["analytic_story"]);
    if (YAML::Node obs = tags["observable"]; obs && obs.IsSequence())
      for (auto o : obs) d.observables.push_back({str(o["name"]), str(o["type"]), strs(o["role"])});
  }
  // Newer security_content: an rba block holds the message and the risk/threat objects.
  if (YAML::Node rba = y["rba"]; rba && rba.IsMap()) {
    if (d.message.empty()) d.message = str(rba["message"]);
    if (YAML::Node ro = rba["risk_objects"]; ro && ro.IsSequence())
      for (auto o : ro) d.risk_objects.push_back({str(o["field"]), str(o["type"]), std::max(0.0, num(o["score"]))});
    if (YAML::Node to = rba["threat_objects"]; to && to.IsSequence())
      for (auto o : to) d.threat_objects.push_back({str(o["field"]), str(o["type"]), 0});
  }
  if (d.risk_objects.empty() && d.threat_objects.empty()) {
    double s = d.score();
    for (auto& o : d.observables) {
      bool victim = std::find(o.roles.begin(), o.roles.end(), "Victim") != o.roles.end();
      bool attacker = std::find(o.roles.begin(), o.roles.end(), "Attacker") != o.roles.end();
      if (victim) d.risk_objects.push_back({o.name, risk_type(o.type), s});
      else if (attacker) d.threat_objects.push_back({o.name, threat_type(o.type), 0});
    }
  }
  return d;
}

void add_macro(const YAML::Node& y, const std::string& origin, Content& c) {
  spl::MacroDef m;
  m.name = str(y["name"]);
  m.definition = str(y["definition"]);
  m.args = strs(y["arguments"]);
  m.origin = origin;
  if (m.name.empty()) {
    c.errors.push_back({origin, "macro without a name"});
    return;
  }
  // A misspelt key ("defintion") would otherwise define an empty macro and quietly
  // break or neuter every search that uses it. An empty definition must be explicit.
  if (!y["definition"]) {
    c.errors.push_back({origin, "macro \"" + m.name + "\" has no definition (keys: name, definition, arguments)"});
    return;
  }
  // security_content sometimes writes the arity into the name: "name(1)".
  if (auto p = m.name.find('('); p != std::string::npos) m.name.resize(p);
  c.macros.add(std::move(m));
}

void load_macro_yaml(const YAML::Node& root, const std::string& origin, Content& c) {
  if (root.IsSequence())
    for (auto n : root) add_macro(n, origin, c);
  else if (root.IsMap())
    add_macro(root, origin, c);
}

// Splunk macros.conf: [name] or [name(N)], args = a, b, definition = ... (with \ line continuations).
bool load_macros_conf(const std::string& path, Content& c) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line, cur_key;
  spl::MacroDef m;
  bool have = false;
  auto flush = [&] {
    if (have) {
      m.origin = path;
      c.macros.add(m);
    }
    m = {};
    have = false;
  };
  std::string* cont = nullptr;
  while (std::getline(in, line)) {
    if (cont) {
      std::string_view t = line;
      bool more = !t.empty() && t.back() == '\\';
      if (more) t.remove_suffix(1);
      *cont += "\n" + std::string(t);
      if (!more) cont = nullptr;
      continue;
    }
    std::string_view t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t[0] == '[') {
      flush();
      auto end = t.find(']');
      std::string name(t.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
      if (auto p = name.find('('); p != std::string::npos) name.resize(p);
      m.name = name;
      have = true;
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(trim(t.substr(0, eq)));
    std::string_view v = trim(t.substr(eq + 1));
    bool more = !v.empty() && v.back() == '\\';
    if (more) v.remove_suffix(1);
    if (key == "definition") {
      m.definition = std::string(v);
      if (more) cont = &m.definition;
    } else if (key == "args") {
      std::string a(v);
      std::stringstream ss(a);
      std::string part;
      while (std::getline(ss, part, ',')) m.args.emplace_back(trim(part));
    }
  }
  flush();
  return true;
}

}  // namespace

size_t builtin_detection_count() {
  size_t n = 0;
  for (auto& f : builtin_files()) n += f.name != "macros.yml";
  return n;
}

void load_builtin(Content& c) {
  for (auto& f : builtin_files()) {
    std::string origin = "builtin:" + std::string(f.name);
    YAML::Node root = YAML::Load(std::string(f.text));
    if (f.name == "macros.yml") load_macro_yaml(root, origin, c);
    else c.detections.push_back(parse_detection(root, origin));
  }
}

// lookups/<name>.yml: the lookup command's definitions (the CSV beside the file and the
// transforms.conf matching rules security_content ships with it). Tables are read
// when a search first uses them.
static void load_lookup_defs(const fs::path& dir, Content& c) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yml" || e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    try {
      YAML::Node y = YAML::LoadFile(f.string());
      if (!y.IsMap()) continue;
      exec::LookupDef d;
      d.name = str(y["name"]);
      if (d.name.empty()) d.name = f.stem().string();
      if (std::string file = str(y["filename"]); !file.empty()) d.path = (dir / file).string();
      d.collection = str(y["collection"]);
      if (YAML::Node cs = y["case_sensitive_match"]) d.case_sensitive = !iequals(str(cs), "false");
      const std::string types = str(y["match_type"]);  // "WILDCARD(a), WILDCARD(b)"
      for (size_t from = 0; from <= types.size();) {
        size_t comma = types.find(',', from);
        if (comma == std::string::npos) comma = types.size();
        std::string_view m = trim(std::string_view(types).substr(from, comma - from));
        from = comma + 1;
        if (m.empty()) continue;
        if (istarts_with(m, "WILDCARD(") && m.back() == ')') d.wildcard_columns.emplace_back(trim(m.substr(9, m.size() - 10)));
        else d.unsupported_match = std::string(m);
      }
      if (double n = num(y["min_matches"]); n >= 0) d.min_matches = static_cast<size_t>(n);
      if (double n = num(y["max_matches"]); n >= 1) d.max_matches = static_cast<size_t>(n);
      d.default_match = str(y["default_match"]);
      c.lookups.add(std::move(d));
    } catch (const YAML::Exception& e) {
      c.errors.push_back({f.string(), e.what()});
    }
  }
}

void load_content_dir(const std::string& dir, Content& c) {
  std::vector<std::string> det_files, macro_files;
  std::error_code ec;
  fs::path det = fs::path(dir) / "detections", mac = fs::path(dir) / "macros";
  if (!fs::is_directory(det, ec) && !fs::is_directory(mac, ec)) {
    c.errors.push_back({dir, "not a security_content checkout (no detections/ or macros/ folder)"});
    return;
  }
  if (fs::is_directory(det, ec))
    for (auto it = fs::recursive_directory_iterator(det, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      auto p = it->path();
      if (p.extension() != ".yml" && p.extension() != ".yaml") continue;
      if (p.string().find("/deprecated/") != std::string::npos) continue;
      det_files.push_back(p.string());
    }
  if (fs::is_directory(mac, ec))
    for (auto& e : fs::directory_iterator(mac, ec))
      if (e.path().extension() == ".yml" || e.path().extension() == ".yaml") macro_files.push_back(e.path().string());
  std::sort(det_files.begin(), det_files.end());
  std::sort(macro_files.begin(), macro_files.end());
  // YAML parsing is most of the load time: files are parsed on all cores, then taken
  // in name order so duplicates and errors come out the same on every run.
  struct Parsed {
    std::optional<Detection> d;
    std::string error;
  };
  std::vector<Parsed> parsed(det_files.size());
  io::parallel_for(det_files.size(), 0, [&](size_t i) {
    const std::string& f = det_files[i];
    try {
      YAML::Node root = YAML::LoadFile(f);
      if (!root.IsMap()) {
        parsed[i].error = "not a detection (expected a YAML mapping with name, id and search)";
        return;
      }
      parsed[i].d = parse_detection(root, f);
    } catch (const std::exception& e) {  // YAML errors; nothing may escape a worker
      parsed[i].error = e.what();
    }
  });
  // Content replaces the built-in seed detection when it carries the same id.
  for (size_t i = 0; i < det_files.size(); ++i) {
    const std::string& f = det_files[i];
    if (!parsed[i].d) {
      c.errors.push_back({f, parsed[i].error});
      continue;
    }
    Detection& d = *parsed[i].d;
    if (d.search.empty() || d.name.empty() || d.id.empty()) {
      c.errors.push_back({f, std::string("detection without ") +
                                 (d.name.empty() ? "a name" : d.id.empty() ? "an id" : "a search") + "; skipped"});
      continue;
    }
    auto same = std::find_if(c.detections.begin(), c.detections.end(), [&](auto& x) { return x.id == d.id; });
    if (same == c.detections.end()) c.detections.push_back(std::move(d));
    else if (same->file.starts_with("builtin:")) *same = std::move(d);
    else c.errors.push_back({f, "duplicate detection id " + d.id + " (also " + same->file + "); skipped"});
  }
  for (auto& f : macro_files) {
    try {
      load_macro_yaml(YAML::LoadFile(f), f, c);
    } catch (const YAML::Exception& e) {
      c.errors.push_back({f, e.what()});
    }
  }
  load_lookup_defs(fs::path(dir) / "lookups", c);
}

bool load_detection_file(const std::string& path, Content& c) {
  try {
    Detection d = parse_detection(YAML::LoadFile(path), path);
    if (d.search.empty()) {
      c.errors.push_back({path, "no search in detection file"});
      return false;
    }
    // The same detection may already be loaded from --content (or built in): the file
    // given replaces it rather than running it twice.
    auto same = std::find_if(c.detections.begin(), c.detections.end(),
                             [&](auto& x) { return !d.id.empty() && x.id == d.id; });
    if (same != c.detections.end()) *same = std::move(d);
    else c.detections.push_back(std::move(d));
    return true;
  } catch (const YAML::Exception& e) {
    c.errors.push_back({path, e.what()});
    return false;
  }
}

static bool blank_or_comments(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::string_view t = trim(line);
    if (!t.empty() && t[0] != '#') return false;
  }
  return true;
}

bool load_macros_file(const std::string& path, Content& c) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    c.errors.push_back({path, "is a directory; --macros takes a file (YAML or macros.conf)"});
    return false;
  }
  if (!fs::is_regular_file(path, ec)) {
    c.errors.push_back({path, "macros file not found"});
    return false;
  }
  if (path.size() > 5 && path.substr(path.size() - 5) == ".conf") {
    if (!load_macros_conf(path, c)) {
      c.errors.push_back({path, "cannot read macros file"});
      return false;
    }
  } else {
    try {
      load_macro_yaml(YAML::LoadFile(path), path, c);
    } catch (const YAML::Exception& e) {
      c.errors.push_back({path, e.what()});
      return false;
    }
  }
  // A log file given by mistake parses as YAML but defines nothing: say so. An empty
  // file (or comments only) is a legitimate empty allowlist.
  if (!c.macros.defined_from(path) && !blank_or_comments(path)) {
    c.errors.push_back({path, "defines no macros (expected YAML entries with name and definition, or macros.conf stanzas)"});
    return false;
  }
  return true;
}

void add_default_filters(Content& c) {
  // The search names its own filter macro (security_content's build derives the name
  // from the title with its own punctuation rules), so take the names from the text.
  for (auto& d : c.detections) {
    std::vector<std::string> names = {d.filter_macro()};
    for (size_t a = d.search.find('`'); a != std::string::npos;) {
      size_t b = d.search.find('`', a + 1);
      if (b == std::string::npos) break;
      std::string name = d.search.substr(a + 1, b - a - 1);
      if (name.size() > 7 && name.ends_with("_filter") && name.find_first_of("( ") == std::string::npos)
        names.push_back(name);
      a = d.search.find('`', b + 1);
    }
    for (auto& f : names)
      if (!c.macros.find(f, 0)) c.macros.add({f, {}, "search *", "default filter"});
  }
}

std::vector<const Detection*> select_detections(const Content& c, const std::vector<std::string>& wanted,
                                                std::vector<std::string>& not_found) {
  std::vector<const Detection*> out;
  if (wanted.empty()) {
    for (auto& d : c.detections) out.push_back(&d);
    return out;
  }
  for (auto& w : wanted) {
    bool found = false;
    for (auto& d : c.detections) {
      std::string stem = fs::path(d.file).stem().string();
      if (iequals(d.name, w) || iequals(d.id, w) || stem == w || d.file == w || iequals(d.filter_macro(), w + "_filter")) {
        if (std::find(out.begin(), out.end(), &d) == out.end()) out.push_back(&d);
        found = true;
      }
    }
    if (!found) not_found.push_back(w);
  }
  return out;
}

CompiledDetection compile_detection(const Detection& d, const spl::MacroTable& macros,
                                    const exec::LookupCatalog* lookups) {
  CompiledDetection cd;
  cd.detection = &d;
  std::string stage = "macro expansion";
  const std::string* text = &d.search;
  try {
    cd.expanded = spl::expand_macros(d.search, macros);
    stage = "parse";
    text = &cd.expanded;
    cd.pipeline = spl::parse_pipeline(cd.expanded);
    stage = "compile";
    cd.plan = exec::compile_plan(cd.pipeline, lookups);
  } catch (const spl::Error& e) {
    // Show the position with a short excerpt of the text it refers to.
    size_t pos = std::min(e.pos, text->size());
    size_t from = pos > 30 ? pos - 30 : 0;
    std::string excerpt = text->substr(from, 70);
    for (auto& ch : excerpt)
      if (ch == '\n' || ch == '\r') ch = ' ';
    cd.error = "detection \"" + d.name + "\" (" + d.file + "): " + stage + " error at position " + std::to_string(e.pos) +
               ": " + e.what() + "\n    near: " + excerpt + "\n          " + std::string(pos - from, ' ') + "^";
    cd.plan.reset();
  } catch (const std::exception& e) {
    cd.error = "detection \"" + d.name + "\" (" + d.file + "): " + stage + " error: " + e.what();
    cd.plan.reset();
  }
  return cd;
}

}  // namespace splinter::content
