#include "io/classic_message.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace splinter::io {

namespace {

inline bool is_pad(char c) { return c == ' ' || c == '\t' || c == '\r'; }
inline bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
inline bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

// The section a Security field sits in decides its name: "Account Name" is
// SubjectUserName under "Subject:", TargetUserName under "New Logon:", MemberName
// under "Member:".
enum class Sec : uint8_t {
  Any,  // table rows that hold in every section
  Top,  // not under a header
  Subject,
  TargetUser,     // the account a logon or new process is for (TargetUserSid)
  TargetAccount,  // the account an account-management event changes (TargetSid)
  Credentials,    // 4648: explicit credentials
  AccountInfo,    // Kerberos 4768/4769/4771
  Member,
  Group,
  Service,
  TargetServer,
  Other,  // a header we have no names for
};

struct SectionName {
  std::string_view header;
  Sec sec;
};
constexpr SectionName kSections[] = {
    {"Subject", Sec::Subject},
    {"Creator Subject", Sec::Subject},
    {"Target Subject", Sec::TargetUser},
    {"New Logon", Sec::TargetUser},
    {"Account For Which Logon Failed", Sec::TargetUser},
    {"Account Whose Credentials Were Used", Sec::Credentials},
    {"New Account", Sec::TargetAccount},
    {"Target Account", Sec::TargetAccount},
    {"Account That Was Locked Out", Sec::TargetAccount},
    {"Account Information", Sec::AccountInfo},
    {"Member", Sec::Member},
    {"Group", Sec::Group},
    {"New Group", Sec::Group},
    {"Changed Group", Sec::Group},
    {"Service Information", Sec::Service},
    {"Target Server", Sec::TargetServer},
};

struct LabelName {
  Sec sec;
  std::string_view label, name;
};
// (section, label) -> EventData name, from the message templates of the events.
constexpr LabelName kLabels[] = {
    {Sec::Subject, "Security ID", "SubjectUserSid"},
    {Sec::Subject, "Account Name", "SubjectUserName"},
    {Sec::Subject, "Account Domain", "SubjectDomainName"},
    {Sec::Subject, "Logon ID", "SubjectLogonId"},
    {Sec::TargetUser, "Security ID", "TargetUserSid"},
    {Sec::TargetUser, "Account Name", "TargetUserName"},
    {Sec::TargetUser, "Account Domain", "TargetDomainName"},
    {Sec::TargetUser, "Logon ID", "TargetLogonId"},
    {Sec::Credentials, "Account Name", "TargetUserName"},
    {Sec::Credentials, "Account Domain", "TargetDomainName"},
    {Sec::Credentials, "Logon GUID", "TargetLogonGuid"},
    {Sec::TargetAccount, "Security ID", "TargetSid"},
    {Sec::TargetAccount, "Account Name", "TargetUserName"},
    {Sec::TargetAccount, "Account Domain", "TargetDomainName"},
    {Sec::AccountInfo, "Security ID", "TargetSid"},
    {Sec::AccountInfo, "User ID", "TargetSid"},
    {Sec::AccountInfo, "Account Name", "TargetUserName"},
    {Sec::AccountInfo, "Account Domain", "TargetDomainName"},
    {Sec::AccountInfo, "Supplied Realm Name", "TargetDomainName"},
    {Sec::Member, "Security ID", "MemberSid"},
    {Sec::Member, "Account Name", "MemberName"},
    {Sec::Group, "Security ID", "TargetSid"},
    {Sec::Group, "Group Name", "TargetUserName"},
    {Sec::Group, "Group Domain", "TargetDomainName"},
    {Sec::Service, "Service Name", "ServiceName"},
    {Sec::Service, "Service ID", "ServiceSid"},
    {Sec::Service, "Service File Name", "ServiceFileName"},
    {Sec::Service, "Service Type", "ServiceType"},
    {Sec::Service, "Service Start Type", "ServiceStartType"},
    {Sec::Service, "Service Account", "ServiceAccount"},
    {Sec::TargetServer, "Target Server Name", "TargetServerName"},
    {Sec::TargetServer, "Additional Information", "TargetInfo"},
    // System 7045 names the same labels differently, and has no header.
    {Sec::Top, "Service Name", "ServiceName"},
    {Sec::Top, "Service File Name", "ImagePath"},
    {Sec::Top, "Service Type", "ServiceType"},
    {Sec::Top, "Service Start Type", "StartType"},
    {Sec::Top, "Service Account", "AccountName"},
    // Process creation (4688) and the process of a logon (4624, 4625, 4648).
    {Sec::Any, "New Process ID", "NewProcessId"},
    {Sec::Any, "New Process Name", "NewProcessName"},
    {Sec::Any, "Token Elevation Type", "TokenElevationType"},
    {Sec::Any, "Mandatory Label", "MandatoryLabel"},
    {Sec::Any, "Creator Process ID", "ProcessId"},
    {Sec::Any, "Creator Process Name", "ParentProcessName"},
    {Sec::Any, "Process Command Line", "CommandLine"},
    {Sec::Any, "Process ID", "ProcessId"},
    {Sec::Any, "Process Name", "ProcessName"},
    {Sec::Any, "Caller Process ID", "ProcessId"},
    {Sec::Any, "Caller Process Name", "ProcessName"},
    // Logons (4624, 4625, 4648, 4768, 4769, 4771).
    {Sec::Any, "Logon Type", "LogonType"},
    {Sec::Any, "Logon GUID", "LogonGuid"},
    {Sec::Any, "Linked Logon ID", "TargetLinkedLogonId"},
    {Sec::Any, "Network Account Name", "TargetOutboundUserName"},
    {Sec::Any, "Network Account Domain", "TargetOutboundDomainName"},
    {Sec::Any, "Restricted Admin Mode", "RestrictedAdminMode"},
    {Sec::Any, "Virtual Account", "VirtualAccount"},
    {Sec::Any, "Elevated Token", "ElevatedToken"},
    {Sec::Any, "Impersonation Level", "ImpersonationLevel"},
    {Sec::Any, "Workstation Name", "WorkstationName"},
    {Sec::Any, "Source Network Address", "IpAddress"},
    {Sec::Any, "Source Port", "IpPort"},
    {Sec::Any, "Network Address", "IpAddress"},
    {Sec::Any, "Port", "IpPort"},
    {Sec::Any, "Client Address", "IpAddress"},
    {Sec::Any, "Client Port", "IpPort"},
    {Sec::Any, "Logon Process", "LogonProcessName"},
    {Sec::Any, "Authentication Package", "AuthenticationPackageName"},
    {Sec::Any, "Transited Services", "TransmittedServices"},
    {Sec::Any, "Package Name (NTLM only)", "LmPackageName"},
    {Sec::Any, "Key Length", "KeyLength"},
    {Sec::Any, "Failure Reason", "FailureReason"},
    {Sec::Any, "Status", "Status"},
    {Sec::Any, "Sub Status", "SubStatus"},
    {Sec::Any, "Failure Code", "Status"},
    {Sec::Any, "Ticket Options", "TicketOptions"},
    {Sec::Any, "Ticket Encryption Type", "TicketEncryptionType"},
    {Sec::Any, "Pre-Authentication Type", "PreAuthType"},
    {Sec::Any, "Privileges", "PrivilegeList"},
    // Account management (4720, 4722-4726, 4738, 4740, 4727-4737, 4754-4758).
    {Sec::Any, "Caller Computer Name", "TargetDomainName"},
    {Sec::Any, "SAM Account Name", "SamAccountName"},
    {Sec::Any, "Display Name", "DisplayName"},
    {Sec::Any, "User Principal Name", "UserPrincipalName"},
    {Sec::Any, "Home Directory", "HomeDirectory"},
    {Sec::Any, "Home Drive", "HomePath"},
    {Sec::Any, "Script Path", "ScriptPath"},
    {Sec::Any, "Profile Path", "ProfilePath"},
    {Sec::Any, "User Workstations", "UserWorkstations"},
    {Sec::Any, "Password Last Set", "PasswordLastSet"},
    {Sec::Any, "Account Expires", "AccountExpires"},
    {Sec::Any, "Primary Group ID", "PrimaryGroupId"},
    {Sec::Any, "Allowed To Delegate To", "AllowedToDelegateTo"},
    {Sec::Any, "Old UAC Value", "OldUacValue"},
    {Sec::Any, "New UAC Value", "NewUacValue"},
    {Sec::Any, "User Account Control", "UserAccountControl"},
    {Sec::Any, "User Parameters", "UserParameters"},
    {Sec::Any, "SID History", "SidHistory"},
    {Sec::Any, "Logon Hours", "LogonHours"},
    // PowerShell 4104, after its script block.
    {Sec::Any, "ScriptBlock ID", "ScriptBlockId"},
};

// Sysmon's EventData names per event id, in the fixed order the event renders them
// (fields added by later Sysmon versions come last, so older records are a subsequence).
struct SysmonEvent {
  std::string_view id, keys;
};
constexpr SysmonEvent kSysmon[] = {
    {"1",
     "RuleName UtcTime ProcessGuid ProcessId Image FileVersion Description Product Company OriginalFileName "
     "CommandLine CurrentDirectory User LogonGuid LogonId TerminalSessionId IntegrityLevel Hashes "
     "ParentProcessGuid ParentProcessId ParentImage ParentCommandLine ParentUser"},
    {"2", "RuleName UtcTime ProcessGuid ProcessId Image TargetFilename CreationUtcTime PreviousCreationUtcTime User"},
    {"3",
     "RuleName UtcTime ProcessGuid ProcessId Image User Protocol Initiated SourceIsIpv6 SourceIp SourceHostname "
     "SourcePort SourcePortName DestinationIsIpv6 DestinationIp DestinationHostname DestinationPort "
     "DestinationPortName"},
    {"4", "UtcTime State Version SchemaVersion"},
    {"5", "RuleName UtcTime ProcessGuid ProcessId Image User"},
    {"6", "RuleName UtcTime ImageLoaded Hashes Signed Signature SignatureStatus"},
    {"7",
     "RuleName UtcTime ProcessGuid ProcessId Image ImageLoaded FileVersion Description Product Company "
     "OriginalFileName Hashes Signed Signature SignatureStatus User"},
    {"8",
     "RuleName UtcTime SourceProcessGuid SourceProcessId SourceImage TargetProcessGuid TargetProcessId "
     "TargetImage NewThreadId StartAddress StartModule StartFunction SourceUser TargetUser"},
    {"9", "RuleName UtcTime ProcessGuid ProcessId Image Device User"},
    {"10",
     "RuleName UtcTime SourceProcessGUID SourceProcessId SourceThreadId SourceImage TargetProcessGUID "
     "TargetProcessId TargetImage GrantedAccess CallTrace SourceUser TargetUser"},
    {"11", "RuleName UtcTime ProcessGuid ProcessId Image TargetFilename CreationUtcTime User"},
    {"12", "RuleName EventType UtcTime ProcessGuid ProcessId Image TargetObject User"},
    {"13", "RuleName EventType UtcTime ProcessGuid ProcessId Image TargetObject Details User"},
    {"14", "RuleName EventType UtcTime ProcessGuid ProcessId Image TargetObject NewName User"},
    {"15", "RuleName UtcTime ProcessGuid ProcessId Image TargetFilename CreationUtcTime Hash Contents User"},
    {"16", "UtcTime Configuration ConfigurationFileHash"},
    {"17", "RuleName EventType UtcTime ProcessGuid ProcessId PipeName Image User"},
    {"18", "RuleName EventType UtcTime ProcessGuid ProcessId PipeName Image User"},
    {"19", "RuleName EventType UtcTime Operation User EventNamespace Name Query"},
    {"20", "RuleName EventType UtcTime Operation User Name Type Destination"},
    {"21", "RuleName EventType UtcTime Operation User Consumer Filter"},
    {"22", "RuleName UtcTime ProcessGuid ProcessId QueryName QueryStatus QueryResults Image User"},
    {"23", "RuleName UtcTime ProcessGuid ProcessId User Image TargetFilename Hashes IsExecutable Archived"},
    {"24", "RuleName UtcTime ProcessGuid ProcessId Image Session ClientInfo Hashes Archived User"},
    {"25", "RuleName UtcTime ProcessGuid ProcessId Image Type User"},
    {"26", "RuleName UtcTime ProcessGuid ProcessId User Image TargetFilename Hashes IsExecutable"},
    {"27", "RuleName UtcTime ProcessGuid ProcessId User Image TargetFilename Hashes"},
    {"28", "RuleName UtcTime ProcessGuid ProcessId User Image TargetFilename Hashes IsExecutable"},
    {"29", "RuleName UtcTime ProcessGuid ProcessId User Image TargetFilename Hashes"},
};

// Values that hold free text, and so may span lines that look like other fields: a
// command line, a registry value, a WMI query or consumer.
bool free_text(std::string_view name) {
  static constexpr std::string_view kNames[] = {"CommandLine", "ParentCommandLine", "Details",
                                                "Contents",    "Query",             "Destination"};
  for (std::string_view n : kNames)
    if (n == name) return true;
  return false;
}

// One line of the message, its '\r' dropped; next is where the following line starts.
struct Line {
  std::string_view text;
  size_t next;
};
Line line_at(std::string_view m, size_t p) {
  size_t e = m.find('\n', p);
  const size_t next = e == std::string_view::npos ? m.size() : e + 1;
  if (e == std::string_view::npos) e = m.size();
  std::string_view t = m.substr(p, e - p);
  if (!t.empty() && t.back() == '\r') t.remove_suffix(1);
  return {t, next};
}

std::string_view trim_pad(std::string_view s) {
  while (!s.empty() && is_pad(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_pad(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) { return trim_pad(s).empty(); }

// "<indent>Label:<pad>value". A label starts with a letter, is short (at most six
// words) and holds only letters, digits, spaces and ()-/_ ; the colon ends the line or
// is followed by padding. So "C:\x", "http://h", times and prose sentences are not
// labels. Sysmon keys are stricter (an unindented capitalised identifier, one space).
// The value keeps its own blanks: only the separator the rendering puts after the
// colon is dropped (through its last tab, else its spaces), as the XML has the value.
struct Labelled {
  bool ok = false;
  bool indented = false;
  bool tab = false;  // the rendered Security shape: a tab after the colon (or indented, no value)
  std::string_view label, value;
};
Labelled split_label(std::string_view line, bool sysmon) {
  Labelled r;
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  const size_t colon = line.find(':', i);
  if (colon == std::string_view::npos || colon == i || colon - i > 64 || !is_alpha(line[i])) return r;
  if (colon + 1 < line.size() && !is_pad(line[colon + 1])) return r;
  if (sysmon && (i > 0 || line[i] < 'A' || line[i] > 'Z')) return r;
  int spaces = 0;
  for (size_t k = i; k < colon; ++k) {
    const char c = line[k];
    if (sysmon ? !is_alnum(c)
               : !is_alnum(c) && c != ' ' && c != '(' && c != ')' && c != '-' && c != '/' && c != '_')
      return r;
    // The longest labels have five words ("Account For Which Logon Failed"); past six, a sentence.
    if (c == ' ' && line[k - 1] != ' ' && ++spaces > 5) return r;
  }
  r.ok = true;
  r.indented = i > 0;
  r.label = trim_pad(line.substr(i, colon - i));
  std::string_view v = line.substr(colon + 1);
  if (sysmon) {
    if (!v.empty() && v[0] == ' ') v.remove_prefix(1);
  } else {
    size_t pad = 0;
    while (pad < v.size() && (v[pad] == ' ' || v[pad] == '\t')) ++pad;
    const size_t last_tab = v.substr(0, pad).rfind('\t');
    r.tab = last_tab != std::string_view::npos || (pad == v.size() && i > 0 && line[0] == '\t');
    v.remove_prefix(last_tab != std::string_view::npos ? last_tab + 1 : pad);
  }
  r.value = v;
  return r;
}

Sec section_of(std::string_view header, bool logoff) {
  for (const SectionName& s : kSections)
    if (s.header == header) {
      // 4634/4647 (logoff) put the account that logs off under "Subject:", but its
      // EventData names it TargetUserSid/TargetUserName/...
      if (logoff && s.sec == Sec::Subject) return Sec::TargetUser;
      return s.sec;
    }
  return Sec::Other;
}

std::string_view table_name(Sec sec, std::string_view label) {
  for (const LabelName& l : kLabels)
    if (l.sec == sec && l.label == label) return l.name;
  for (const LabelName& l : kLabels)
    if (l.sec == Sec::Any && l.label == label) return l.name;
  return {};
}

// A label as a field name: its letters, digits and '_' ("Object Server" -> ObjectServer).
void label_to_name(std::string_view label, std::string& out) {
  out.clear();
  for (char c : label)
    if (is_alnum(c) || c == '_') out += c;
}

// Where the next non-blank line from p starts indented (the fields of a section).
bool indented_next(std::string_view m, size_t p) {
  while (p < m.size()) {
    Line ln = line_at(m, p);
    if (!is_blank(ln.text)) return ln.text[0] == ' ' || ln.text[0] == '\t';
    p = ln.next;
  }
  return false;
}

// An unindented label without a value that heads the indented lines under it.
bool is_header(const Labelled& kv, std::string_view m, size_t next) {
  return !kv.indented && kv.value.empty() && indented_next(m, next);
}

// Security messages end in explanatory prose after a blank line (4688's "Token Elevation
// Type indicates ..."); no value runs into it. The last such paragraph is the template's,
// whatever a command line before it holds. Returns where it starts, or m.size().
size_t trailer_start(std::string_view m, size_t from) {
  static constexpr std::string_view kOpeners[] = {"Token Elevation Type indicates", "This event is generated"};
  size_t at = std::string_view::npos;
  for (std::string_view o : kOpeners)
    for (size_t q = m.rfind(o); q != std::string_view::npos && q > from; q = m.rfind(o, q - 1)) {
      size_t r = q;  // the line before q must be blank
      if (m[r - 1] != '\n') continue;
      for (--r; r > from && is_pad(m[r - 1]);) --r;
      if (r > from && m[r - 1] == '\n') {
        if (at == std::string_view::npos || q > at) at = q;
        break;
      }
    }
  return at == std::string_view::npos ? m.size() : at;
}

void add_new(Event& ev, std::string_view name, std::string_view value) {
  if (name.empty() || name == "Message" || ev.get(name)) return;
  ev.add(name, value);
}

// PowerShell 4104 renders "Creating Scriptblock text (%1 of %2):\n%3\n\nScriptBlock ID:
// %4\nPath: %5": the script (any text, many lines) is taken whole, up to its last
// "ScriptBlock ID:" line. Returns where the key lines after the script begin.
size_t script_block(std::string_view m, const Line& first, Event& ev) {
  static constexpr std::string_view kHead = "Creating Scriptblock text (";
  std::string_view h = first.text;
  if (!h.starts_with(kHead)) return first.next;
  h.remove_prefix(kHead.size());
  const size_t of = h.find(" of "), close = h.find(')');
  const size_t id = m.rfind("\nScriptBlock ID:");
  if (of == std::string_view::npos || close == std::string_view::npos || of > close ||
      id == std::string_view::npos || id + 1 < first.next)
    return first.next;
  std::string_view text = id + 1 > first.next ? m.substr(first.next, id - first.next) : std::string_view();
  // Drop the template's blank separator line (and a "\r" of CRLF text).
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  add_new(ev, "MessageNumber", trim_pad(h.substr(0, of)));
  add_new(ev, "MessageTotal", trim_pad(h.substr(of + 4, close - of - 4)));
  add_new(ev, "ScriptBlockText", text);
  return id + 1;
}

}  // namespace

// The lines from p up to end (a line start), the first from its value on, joined by '\n'.
std::string_view ClassicMessageParser::lines(std::string_view m, std::string_view first, size_t p, size_t end) {
  if (p >= end) return first;
  value_.assign(first);
  while (p < end) {
    const Line c = line_at(m, p);
    value_ += '\n';
    value_ += c.text;
    p = c.next;
  }
  return value_;
}

// Sysmon renders every field of the event's template, in order, as "Key: value", and a
// value (a command line) may hold lines shaped like later keys. Of the lines shaped like
// known keys, those taken as keys are the chain, keys in order, that leaves the fewest
// key-shaped lines inside values that cannot span lines; a free-text value may hold any.
// On a tie the later line is the key: a spoofed line sits inside a value, before the real
// line of its key. So "User: NT AUTHORITY\SYSTEM" in a command line stays in it, the
// real User line after it is the User, and a command line cannot push its own key line
// into the field before it. Other lines continue the value before them.
void ClassicMessageParser::sysmon_ordered(std::string_view keys, std::string_view m, size_t p, Event& ev) {
  order_.clear();
  for (size_t b = 0; b < keys.size();) {
    const size_t e = std::min(keys.find(' ', b), keys.size());
    order_.push_back(keys.substr(b, e - b));
    b = e + 1;
  }
  cands_.clear();
  for (size_t q = p; q < m.size();) {
    const Line ln = line_at(m, q);
    if (const Labelled kv = split_label(ln.text, true); kv.ok)
      for (size_t k = 0; k < order_.size(); ++k)
        if (order_[k] == kv.label) cands_.push_back({q, k, 0, 0});
    q = ln.next;
  }
  // From the last candidate back: a candidate's score is 1 + the best score after it,
  // less (for a value that cannot span lines) the candidates it would swallow. Per key,
  // the best later candidate is kept, as score (free text) and score - index (not).
  const long n = static_cast<long>(cands_.size());
  using Best = std::pair<long, long>;  // (value, candidate index); n stands for "to the end"
  multi_.assign(order_.size(), Best{-n - 1, n});
  single_.assign(order_.size(), Best{-2 * n - 1, n});
  for (long i = n - 1; i >= 0; --i) {
    Cand& c = cands_[i];
    const bool free = free_text(order_[c.key]);
    Best b = free ? Best{0, n} : Best{-n, n};
    for (size_t k = c.key + 1; k < order_.size(); ++k) b = std::max(b, free ? multi_[k] : single_[k]);
    c.score = free ? 1 + b.first : 1 + b.first + i + 1;
    c.next = b.second;
    multi_[c.key] = std::max(multi_[c.key], Best{c.score, i});
    single_[c.key] = std::max(single_[c.key], Best{c.score - i, i});
  }
  Best start{-2 * n - 1, n};  // candidates before the first key are swallowed too
  for (long i = 0; i < n; ++i) start = std::max(start, Best{cands_[i].score - i, i});
  for (long i = start.second; i < n; i = cands_[i].next) {
    const Line ln = line_at(m, cands_[i].pos);
    const size_t end = cands_[i].next < n ? cands_[cands_[i].next].pos : m.size();
    add_new(ev, order_[cands_[i].key], lines(m, split_label(ln.text, true).value, ln.next, end));
  }
}

void ClassicMessageParser::parse(std::string_view channel, std::string_view provider,
                                 std::string_view event_code, std::string_view message, Event& ev) {
  // Sysmon's keys are the EventData names already; the Security tables must not rename them.
  const bool sysmon =
      iequals(channel, "Microsoft-Windows-Sysmon/Operational") || iequals(provider, "Microsoft-Windows-Sysmon");
  const bool security = iequals(channel, "Security");
  const bool logoff = event_code == "4634" || event_code == "4647";
  // The first line describes the event ("A new process has been created.", Sysmon's
  // "Process Create:"): no field.
  const Line first = line_at(message, 0);
  size_t p = first.next;
  if (sysmon) {
    for (const SysmonEvent& s : kSysmon)
      if (s.id == event_code) return sysmon_ordered(s.keys, message, p, ev);
    // An event we have no order for: a key line is an identifier not seen before.
    seen_.clear();
    while (p < message.size()) {
      const Line ln = line_at(message, p);
      size_t end = ln.next;
      const Labelled kv = split_label(ln.text, true);
      if (!kv.ok || ev.get(kv.label) || std::find(seen_.begin(), seen_.end(), kv.label) != seen_.end()) {
        p = end;
        continue;
      }
      seen_.push_back(kv.label);
      for (; end < message.size(); end = line_at(message, end).next) {
        const Labelled n = split_label(line_at(message, end).text, true);
        if (n.ok && !ev.get(n.label) && std::find(seen_.begin(), seen_.end(), n.label) == seen_.end()) break;
      }
      add_new(ev, kv.label, lines(message, kv.value, ln.next, end));
      p = end;
    }
    return;
  }
  if (event_code == "4104" && iequals(channel, "Microsoft-Windows-PowerShell/Operational"))
    p = script_block(message, first, ev);
  const size_t stop = trailer_start(message, p);
  Sec sec = Sec::Top;
  // Whether a line starts a field. In the Security rendering a field is a "Label:<tab>value"
  // line (or an indented known label, should the tabs have become spaces): a command line
  // continued by "Foo: bar" keeps it. Elsewhere (System 7045, PowerShell's "Path: x") any
  // label does.
  auto starts_field = [&](const Labelled& kv, size_t next) {
    if (!kv.ok) return false;
    if (!security || kv.tab || is_header(kv, message, next)) return true;
    return kv.indented && !table_name(sec, kv.label).empty();
  };
  while (p < stop) {
    const Line ln = line_at(message, p);
    p = ln.next;
    const Labelled kv = split_label(ln.text, false);
    if (!starts_field(kv, p)) continue;  // blank, prose, or the continuation of a field not taken
    if (is_header(kv, message, p)) {
      sec = section_of(kv.label, logoff);
      continue;
    }
    if (!kv.indented) sec = Sec::Top;
    std::string_view name = table_name(sec, kv.label);
    if (name.empty()) {
      label_to_name(kv.label, name_);
      name = name_;
    }
    // Lines that are no field continue the value (a multi-line command line, 4672's list
    // of privileges). A blank line ends it, but inside free text (a command line) only if
    // no more of the value follows; trailing blank lines are the template's.
    std::string_view value = kv.value;
    bool joined = false;
    size_t blank = std::string_view::npos;  // the first of the blank lines passed
    while (p < stop) {
      const Line c = line_at(message, p);
      if (is_blank(c.text)) {
        if (!free_text(name)) break;
        if (blank == std::string_view::npos) blank = p;
        p = c.next;
        continue;
      }
      if (starts_field(split_label(c.text, false), c.next)) break;
      if (!joined) value_.assign(value), joined = true;
      if (value_.empty() && !free_text(name)) {
        value_.assign(trim_pad(c.text));  // "User Account Control:\t" with the flags below
      } else {
        for (size_t q = blank == std::string_view::npos ? p : blank; q < p;) {
          const Line b = line_at(message, q);
          value_ += '\n';
          value_ += b.text;
          q = b.next;
        }
        value_ += '\n';
        value_ += c.text;
      }
      blank = std::string_view::npos;
      p = c.next;
    }
    add_new(ev, name, joined ? std::string_view(value_) : value);
    // Splunk's own key-value extraction of the classic text (wel-col-kv, keys cleaned)
    // names the same value by its label with '_' for the spaces: "Task Name" -> Task_Name,
    // "Account Name" -> Account_Name, "Logon ID" -> Logon_ID. ESCU's classic-era searches
    // read those names. Decision: the first value of a label only (Splunk makes repeated
    // labels multivalue).
    if (!sysmon && kv.label.find(' ') != std::string_view::npos) {
      kv_name_.clear();
      for (char c : kv.label) kv_name_ += is_alnum(c) ? c : '_';
      add_new(ev, kv_name_, joined ? std::string_view(value_) : value);
    }
  }
}

}  // namespace splinter::io
