// The documented exit codes of the built binary: 0 ok, 2 usage, 3 input errors,
// 4 content errors; and that damaged input is reported with file and line.
#include <gtest/gtest.h>
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

TEST(OutputExitCodes, ContentErrorWinsOverInputError) {
  Outcome o = run("hunt -d \"No Such Detection\" /nonexistent/input.xml");
  EXPECT_EQ(o.code, 4) << o.err;
}
