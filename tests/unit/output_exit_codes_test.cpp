// The documented exit codes of the built binary: 0 ok, 2 usage, 3 input errors,
// 4 content errors; and that damaged input is reported with file and line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Outcome {
  int code = -1;
  std::string err;  // stderr (the run summary)
};

Outcome run(const std::string& args) {
  std::string errfile = (std::filesystem::temp_directory_path() / ("splinter-exit-" + std::to_string(getpid()))).string();
  std::string cmd = std::string(SPLINTER_BINARY) + " " + args + " >/dev/null 2>" + errfile;
  int st = std::system(cmd.c_str());
  Outcome o;
  o.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream in(errfile);
  o.err.assign(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove(errfile);
  return o;
}

const std::string kDemo = std::string(SPLINTER_REPO_DIR) + "/demo";

}  // namespace

TEST(OutputExitCodes, GoodInputIsZero) {
  Outcome o = run("hunt " + kDemo);
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("rejected 0"), std::string::npos) << o.err;
}

TEST(OutputExitCodes, CorruptedInputIsThreeAndReportedWithLine) {
  auto dir = std::filesystem::temp_directory_path() / ("splinter-exit-in-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string good = "<Event><System><EventID>1</EventID><EventRecordID>1</EventRecordID></System></Event>\n";
  {
    std::ofstream(dir / "bad.xml") << good << "<Event><System><EventID>2</EventID>\n" << good;
  }
  Outcome o = run("hunt " + (dir / "bad.xml").string());
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_NE(o.err.find("bad.xml:2"), std::string::npos) << o.err;  // file:line of the damaged record
  EXPECT_NE(o.err.find("read 3, parsed 2, rejected 1"), std::string::npos) << o.err;
  // An unreadable path is an input error too.
  o = run("hunt " + (dir / "does-not-exist.xml").string());
  EXPECT_EQ(o.code, 3) << o.err;
  std::filesystem::remove_all(dir);
}

TEST(OutputExitCodes, UnknownDetectionIsFour) {
  Outcome o = run("hunt -d \"No Such Detection\" " + kDemo);
  EXPECT_EQ(o.code, 4) << o.err;
  EXPECT_NE(o.err.find("No Such Detection"), std::string::npos) << o.err;
}

TEST(OutputExitCodes, BadFlagIsTwo) {
  EXPECT_EQ(run("hunt --no-such-flag " + kDemo).code, 2);
  EXPECT_EQ(run("no-such-command").code, 2);
}

// Log paths are required, except for an ad-hoc search: | makeresults needs no logs.
TEST(OutputExitCodes, PathsRequiredExceptForAdHocSearch) {
  auto o = run("hunt");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("hunt needs log paths"), std::string::npos) << o.err;
  const std::string out = (std::filesystem::temp_directory_path() / ("splinter-nopaths-" + std::to_string(getpid()))).string();
  const std::string cmd = std::string(SPLINTER_BINARY) +
                          " hunt -q -f csv --spl '| makeresults count=2 | eval h=md5(\"abc\") | table h' > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "detection,h\nad-hoc search,900150983cd24fb0d6963f7d28e17f72\nad-hoc search,900150983cd24fb0d6963f7d28e17f72\n") << text;
  std::filesystem::remove(out);
}

TEST(OutputExitCodes, ContentErrorWinsOverInputError) {
  Outcome o = run("hunt -d \"No Such Detection\" /nonexistent/input.xml");
  EXPECT_EQ(o.code, 4) << o.err;
}

namespace {

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("splinter-exit-t-" + std::to_string(getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

// Found by a first user: `-o` naming an input truncated the evidence before reading it.
TEST(OutputExitCodes, OutputThatIsAnInputIsRefused) {
  TempDir d;
  std::string log = slurp(kDemo + "/sysmon_process.log");
  ASSERT_FALSE(log.empty());
  std::string in = d.file("a.log", log);
  Outcome o = run("hunt -o " + in + " " + in);
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("is also an input"), std::string::npos) << o.err;
  EXPECT_EQ(slurp(in), log);  // untouched
  // Through another spelling of the same path, and --risk too.
  o = run("hunt --risk " + d.path.string() + "/./a.log " + in);
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(slurp(in), log);
  std::string out = (d.path / "out.txt").string();
  EXPECT_EQ(run("hunt -o " + out + " --risk " + out + " " + in).code, 2);
}

// Found by a new user: an output inside an input directory truncated a log found by
// the walk (or would be read back as input). Refused, whatever the spelling.
TEST(OutputExitCodes, OutputInsideAnInputDirectoryIsRefused) {
  TempDir d;
  std::string log = slurp(kDemo + "/sysmon_process.log");
  std::string in = d.file("in.log", log);
  Outcome o = run("hunt -q -o " + in + " " + d.path.string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("is inside input directory"), std::string::npos) << o.err;
  EXPECT_EQ(slurp(in), log);  // untouched
  // A new file in a subdirectory, through a relative path from inside the directory.
  std::filesystem::create_directories(d.path / "sub");
  const std::string cmd = "cd " + d.path.string() + " && " + std::string(SPLINTER_BINARY) +
                          " hunt -q --risk sub/new.jsonl . >/dev/null 2>&1";
  const int st = std::system(cmd.c_str());
  EXPECT_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 2);
  EXPECT_FALSE(std::filesystem::exists(d.path / "sub" / "new.jsonl"));
  // Beside the directory is fine.
  std::string beside = d.path.string() + "-out.txt";
  EXPECT_EQ(run("hunt -q -o " + beside + " " + (d.path / "sub").string()).code, 0);
  std::filesystem::remove(beside);
}

// Found by a second new user: a hard link to a log in an input directory, or a symlink
// to a file not yet created there, slipped past the path comparison.
TEST(OutputExitCodes, OutputLinkedIntoAnInputDirectoryIsRefused) {
  TempDir d;
  std::string log = slurp(kDemo + "/sysmon_process.log");
  std::filesystem::create_directories(d.path / "logs");
  std::string in = d.file("logs/in.log", log);
  const std::string hard = (d.path / "hard.txt").string();
  std::filesystem::create_hard_link(in, hard);
  Outcome o = run("hunt -q -o " + hard + " " + (d.path / "logs").string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("hard link"), std::string::npos) << o.err;
  EXPECT_EQ(slurp(in), log);
  const std::string soft = (d.path / "soft.txt").string();
  std::filesystem::create_symlink(d.path / "logs" / "new.jsonl", soft);
  o = run("hunt -q --risk " + soft + " " + (d.path / "logs").string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("is inside input directory"), std::string::npos) << o.err;
  EXPECT_FALSE(std::filesystem::exists(d.path / "logs" / "new.jsonl"));
  // A relative symlink chain resolves from each link's own directory.
  std::filesystem::create_symlink("logs/new2.jsonl", d.path / "rel1");
  std::filesystem::create_symlink("rel1", d.path / "rel2");
  o = run("hunt -q -o " + (d.path / "rel2").string() + " " + (d.path / "logs").string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_FALSE(std::filesystem::exists(d.path / "logs" / "new2.jsonl"));
  // An input directory that reaches the output's directory through a link (walked as
  // the reader walks it), even with a link cycle in the way.
  std::filesystem::create_directories(d.path / "other");
  std::filesystem::create_directory_symlink(d.path / "logs", d.path / "other" / "l");
  std::filesystem::create_directory_symlink("..", d.path / "logs" / "up");
  o = run("hunt -q -o " + (d.path / "logs" / "o3.txt").string() + " " + (d.path / "other").string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("through a link"), std::string::npos) << o.err;
  EXPECT_FALSE(std::filesystem::exists(d.path / "logs" / "o3.txt"));
}

// The built-in detection runs unnamed; if the user's macros break it, that is a content
// error (exit 4), never an empty result with exit 0.
TEST(OutputExitCodes, BrokenBuiltinDetectionIsFour) {
  TempDir d;
  std::string bad_spl = d.file("bad.yml",
                               "- name: regsvr32_silent_and_install_param_dll_loading_filter\n"
                               "  definition: search NOT (\n");
  Outcome o = run("hunt --macros " + bad_spl + " " + kDemo);
  EXPECT_EQ(o.code, 4) << o.err;
  // A misspelt key is named, not read as an empty macro.
  std::string typo = d.file("typo.yml",
                            "- name: regsvr32_silent_and_install_param_dll_loading_filter\n"
                            "  defintion: search NOT dest=FIN*\n");
  o = run("hunt --macros " + typo + " " + kDemo);
  EXPECT_EQ(o.code, 4) << o.err;
  EXPECT_NE(o.err.find("has no definition"), std::string::npos) << o.err;
  // An empty allowlist file is fine.
  EXPECT_EQ(run("hunt --macros " + d.file("empty.yml", "# nothing allowlisted yet\n") + " " + kDemo).code, 0);
  EXPECT_EQ(run("hunt --macros " + d.path.string() + " " + kDemo).code, 4);  // a directory
}

TEST(OutputExitCodes, SplMisuseIsTwo) {
  EXPECT_EQ(run("hunt --spl '' " + kDemo).code, 2);
  EXPECT_EQ(run("hunt --spl 'EventCode=1' -d f421c250-24e7-11ec-bc43-acde48001122 " + kDemo).code, 2);
}

TEST(OutputExitCodes, QuietStillSaysWhyInputFailed) {
  Outcome o = run("hunt -q /nonexistent/input.xml");
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.err.find("/nonexistent/input.xml"), std::string::npos) << o.err;
}

// Found by a new user: explain only took named detections, so an ad-hoc search could
// not be previewed. It takes --spl too; with neither it is a usage error.
TEST(OutputExitCodes, ExplainTakesASearch) {
  EXPECT_EQ(run("explain --spl '| tstats count from datamodel=Endpoint.Processes by Processes.dest'").code, 0);
  EXPECT_EQ(run("explain --spl 'a | multikv'").code, 4);
  Outcome o = run("explain");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("-d"), std::string::npos) << o.err;
  EXPECT_EQ(run("explain -d x --spl y").code, 2);
}

// Found by a tester: a FIFO input hung (opened twice), /dev/zero never ended, and a
// file named twice (or in a directory also given) was read twice.
TEST(OutputExitCodes, StreamsAndRepeatedPaths) {
  Outcome o = run("hunt /dev/zero");
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_NE(o.err.find("error: /dev/zero @"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("stopped reading: over 32 MiB of this stream without a record"), std::string::npos) << o.err;

  o = run("hunt " + kDemo + " " + kDemo + "/sysmon_process.log");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("3 file(s), 0.0 MB; events read 11, parsed 11"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("warning: " + kDemo + "/sysmon_process.log @0: given twice: read once"), std::string::npos)
      << o.err;

  auto dir = std::filesystem::temp_directory_path() / ("splinter-exit-fifo-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string fifo = (dir / "p").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The shell's writer is gone once it has written: a second open would wait forever.
  const std::string err = (dir / "err").string();
  const std::string cmd = "(cat " + kDemo + "/sysmon_process.log > " + fifo + " &); timeout 60 " + SPLINTER_BINARY +
                          " hunt " + fifo + " >/dev/null 2>" + err;
  const int st = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  std::ifstream in(err);
  const std::string summary((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(summary.find("events read 8, parsed 8"), std::string::npos) << summary;
  std::filesystem::remove_all(dir);
}

// "-o -" writes the results to stdout, not to a file named "-".
TEST(OutputExitCodes, OutputDashIsStdout) {
  auto dir = std::filesystem::temp_directory_path() / ("splinter-exit-dash-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "out.csv").string();
  const std::string cmd = "cd " + dir.string() + " && " + SPLINTER_BINARY + " hunt -q -f csv -o - " + kDemo + " > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "-"));
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("regsvr32"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

// "--risk -" writes the risk events to stdout; the rows must then go to a file (-o FILE),
// else the two would be mixed on stdout: refused with exit 2.
TEST(OutputExitCodes, RiskDashIsStdout) {
  auto dir = std::filesystem::temp_directory_path() / ("splinter-exit-risk-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string rows = (dir / "rows.json").string(), risk = (dir / "risk.jsonl").string();
  const std::string cmd = "cd " + dir.string() + " && " + SPLINTER_BINARY + " hunt -q -f json -o " + rows +
                          " --risk - " + kDemo + " > " + risk;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "-"));
  std::ifstream in(risk);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("\"search_name\": \"ESCU - Regsvr32 Silent and Install Param Dll Loading - Rule\""), std::string::npos)
      << text;
  EXPECT_EQ(text.find("\"detection\":"), std::string::npos) << "rows went to stdout too";
  auto o = run("hunt -q --risk - " + kDemo);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--risk - writes risk events to stdout; give the rows a file with -o FILE"), std::string::npos) << o.err;
  std::filesystem::remove_all(dir);
}

// --carve: the run summary counts the records recovered from slack space.
TEST(OutputExitCodes, SummaryCountsCarvedRecords) {
  const std::string f =
      std::string(SPLINTER_SHARED_DIR) + "/data/omerbenamram-evtx/samples/sample_with_a_bad_chunk_magic.evtx";
  if (!std::filesystem::exists(f)) GTEST_SKIP() << "missing " << f;
  Outcome o = run("hunt --carve " + f);
  EXPECT_EQ(o.code, 3) << o.err;  // its damaged chunks are input errors
  EXPECT_NE(o.err.find("events read 517, parsed 348, rejected 169"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("  50 event(s) recovered from EVTX slack space (--carve), marked splinter_recovered=true\n"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("[evtx]: read 517, parsed 348, rejected 169, 50 recovered from slack"), std::string::npos)
      << o.err;
  o = run("hunt " + f);
  EXPECT_EQ(o.err.find("recovered"), std::string::npos) << o.err;
}
