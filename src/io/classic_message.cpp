#include "io/classic_message.h"

#include <cstdint>

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
// labels. Sysmon keys are stricter (an unindented capitalised identifier), so that text
// such as "b: c" in a multi-line command line stays in it.
struct Labelled {
  bool ok = false;
  bool indented = false;
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
  r.value = trim_pad(line.substr(colon + 1));
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

void ClassicMessageParser::parse(std::string_view channel, std::string_view provider,
                                 std::string_view event_code, std::string_view message, Event& ev) {
  // Sysmon's keys are the EventData names already; the Security tables must not rename them.
  const bool sysmon =
      iequals(channel, "Microsoft-Windows-Sysmon/Operational") || iequals(provider, "Microsoft-Windows-Sysmon");
  const bool logoff = event_code == "4634" || event_code == "4647";
  // The first line describes the event ("A new process has been created.", Sysmon's
  // "Process Create:"): no field.
  const Line first = line_at(message, 0);
  size_t p = first.next;
  if (event_code == "4104" && iequals(channel, "Microsoft-Windows-PowerShell/Operational"))
    p = script_block(message, first, ev);
  Sec sec = Sec::Top;
  while (p < message.size()) {
    const Line ln = line_at(message, p);
    p = ln.next;
    const Labelled kv = split_label(ln.text, sysmon);
    if (!kv.ok) continue;  // blank, prose, or the continuation of a field not taken
    // An unindented label without a value heads the indented lines under it; Sysmon
    // has no sections (its empty values are fields, as in the XML).
    if (!sysmon && !kv.indented && kv.value.empty() && indented_next(message, p)) {
      sec = section_of(kv.label, logoff);
      continue;
    }
    if (!kv.indented) sec = Sec::Top;
    std::string_view name = sysmon ? kv.label : table_name(sec, kv.label);
    if (name.empty()) {
      label_to_name(kv.label, name_);
      name = name_;
    }
    // Lines that follow without a label continue the value (a multi-line command line,
    // 4672's list of privileges); a blank line ends it.
    std::string_view value = kv.value;
    bool joined = false;
    while (p < message.size()) {
      const Line c = line_at(message, p);
      if (is_blank(c.text) || split_label(c.text, sysmon).ok) break;
      if (!joined) value_.assign(value), joined = true;
      if (value_.empty()) {
        value_.assign(trim_pad(c.text));
      } else {
        value_ += '\n';
        std::string_view t = c.text;
        while (!t.empty() && is_pad(t.back())) t.remove_suffix(1);
        value_ += t;
      }
      p = c.next;
    }
    add_new(ev, name, joined ? std::string_view(value_) : value);
  }
}

}  // namespace splinter::io
