// Inputs that are not regular files (FIFOs, devices, stdin) and paths that name the
// same file twice: each is opened once, read once, and an endless stream stops.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "io/readers.h"
#include "io_test_util.h"

namespace splinter::io::testing {
namespace {

std::string event(int id) {
  return "<Event><System><EventID>1</EventID><EventRecordID>" + std::to_string(id) +
         "</EventRecordID></System></Event>\n";
}

// A hang is the bug these tests guard against: fail the whole binary rather than wait.
std::vector<FileStats> read_bounded(const std::vector<std::string>& paths, CollectSink& sink) {
  auto fut = std::async(std::launch::async, [&] { return read_inputs(paths, sink); });
  if (fut.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    std::fprintf(stderr, "read_inputs did not return within 60 s (hang)\n");
    std::_Exit(1);
  }
  return fut.get();
}

bool write_all(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    const ssize_t w = ::write(fd, s.data() + done, s.size() - done);
    if (w <= 0) return false;
    done += size_t(w);
  }
  return true;
}

// Writes to a FIFO from another thread: head once, then tail again and again (while
// the reader takes it) when tail is given. Joined (released if never opened) at scope exit.
class FifoWriter {
 public:
  FifoWriter(std::string path, std::string head, std::string tail = {})
      : path_(std::move(path)), thread_([this, head = std::move(head), tail = std::move(tail)] {
          const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
          if (fd < 0) return;
          opened_ = true;
          if (write_all(fd, head))
            while (!tail.empty() && write_all(fd, tail)) {
            }
          ::close(fd);
        }) {}
  ~FifoWriter() {
    // Never opened by the reader: a non-blocking open of the read side releases the writer.
    while (!opened_) {
      const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    thread_.join();
  }

 private:
  std::string path_;
  std::atomic<bool> opened_{false};
  std::thread thread_;
};

class IoStreams : public ::testing::Test {
 protected:
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }  // writers see EPIPE instead
  std::string fifo(const std::string& name) {
    std::string p = dir.path() + "/" + name;
    EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0);
    return p;
  }
  TempDir dir;
};

const InputProblem* find_problem(const CollectSink& s, const std::string& what_part) {
  for (const InputProblem& p : s.problems)
    if (p.what.find(what_part) != std::string::npos) return &p;
  return nullptr;
}

// Found by a tester: a FIFO was opened to sniff it, closed, and opened again; the
// second open waited forever for a writer that had already gone.
TEST_F(IoStreams, FifoIsOpenedOnceAndReadToTheEnd) {
  const std::string p = fifo("events.xml");
  CollectSink s;
  std::vector<FileStats> stats;
  {
    FifoWriter w(p, event(7) + event(8));
    stats = read_bounded({p}, s);
  }
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].path, p);
  EXPECT_EQ(stats[0].format, Format::XmlWinEventLog);
  EXPECT_EQ(stats[0].parsed, 2u);
  EXPECT_FALSE(stats[0].failed);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].at("EventRecordID"), "7");
  EXPECT_EQ(s.events[1].at("EventRecordID"), "8");
  EXPECT_TRUE(s.problems.empty());
}

TEST_F(IoStreams, FifoBetweenRegularFilesKeepsInputOrder) {
  const std::string a = dir.file("a.xml", event(1));
  const std::string p = fifo("p");
  const std::string b = dir.file("b.xml", event(3));
  CollectSink s;
  std::vector<FileStats> stats;
  {
    FifoWriter w(p, event(2));
    stats = read_bounded({a, p, b}, s);
  }
  ASSERT_EQ(stats.size(), 3u);
  ASSERT_EQ(s.events.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s.events[size_t(i)].at("EventRecordID"), std::to_string(i + 1));
}

// /dev/zero never ends: reading stops after kMaxStreamJunkBytes of NUL bytes, with an
// error naming the file and the offset where it stopped.
TEST_F(IoStreams, DevZeroStopsWithAnError) {
  CollectSink s;
  auto stats = read_bounded({"/dev/zero"}, s);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_TRUE(stats[0].failed);
  EXPECT_EQ(stats[0].parsed, 0u);
  EXPECT_GT(stats[0].bytes, kMaxStreamJunkBytes);
  EXPECT_LE(stats[0].bytes, kMaxStreamJunkBytes + (uint64_t(2) << 20));  // a chunk or so past the bound
  ASSERT_EQ(s.problems.size(), 1u) << s.problems[0].what;
  const InputProblem& p = s.problems[0];
  EXPECT_FALSE(p.warning);
  EXPECT_EQ(p.file, "/dev/zero");
  EXPECT_EQ(p.offset, stats[0].bytes);
  EXPECT_EQ(p.what,
            "stopped reading: over 32 MiB of this stream without a record (NUL bytes or data that is not a log, "
            "from offset 0 on)");
}

// Records, then junk without end: the records count, then reading stops.
TEST_F(IoStreams, EndlessJunkAfterRecordsStops) {
  const std::string p = fifo("junk");
  const std::string junk_line = "<junk " + std::string(4000, 'x') + ">\n";
  CollectSink s;
  std::vector<FileStats> stats;
  {
    FifoWriter w(p, event(1) + event(2), junk_line);
    stats = read_bounded({p}, s);
  }
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].parsed, 2u);
  EXPECT_FALSE(stats[0].failed);  // its records were read
  EXPECT_GT(stats[0].rejected, 1000u);  // the junk lines before the stop
  EXPECT_LE(stats[0].bytes, kMaxStreamJunkBytes + (uint64_t(3) << 20));
  const InputProblem* stop = find_problem(s, "stopped reading");
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->file, p);
  EXPECT_FALSE(stop->warning);
  EXPECT_EQ(stop->offset, stats[0].bytes);
  ASSERT_EQ(s.events.size(), 2u);
}

// EVTX needs the whole file: a stream is copied, but only while chunks keep coming.
TEST_F(IoStreams, EvtxThroughAFifo) {
  const std::string sec = shared_dir() + "/data/omerbenamram-evtx/samples/security.evtx";
  if (!std::filesystem::exists(sec)) GTEST_SKIP() << "missing " << sec;
  const std::string p = fifo("security.evtx");
  CollectSink s, ref;
  std::vector<FileStats> stats;
  {
    FifoWriter w(p, slurp(sec));
    stats = read_bounded({p}, s);
  }
  auto want = read_bounded({sec}, ref);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].format, Format::Evtx);
  EXPECT_EQ(stats[0].parsed, 2261u);
  EXPECT_EQ(stats[0].parsed, want[0].parsed);
  EXPECT_EQ(s.events.size(), ref.events.size());
  EXPECT_EQ(s.problems.size(), ref.problems.size());

  // Named .evtx, fed zeros without end: stops, said with the offset.
  const std::string z = fifo("zero.evtx");
  CollectSink sz;
  {
    FifoWriter w(z, std::string(), std::string(1u << 16, '\0'));
    stats = read_bounded({z}, sz);
  }
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_TRUE(stats[0].failed);
  EXPECT_LE(stats[0].bytes, kMaxStreamJunkBytes + (uint64_t(2) << 20));
  const InputProblem* stop = find_problem(sz, "stopped reading");
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->file, z);
  EXPECT_GT(stop->offset, kMaxStreamJunkBytes);
  EXPECT_EQ(stop->what, "stopped reading: over 32 MiB of this stream without an EVTX chunk (from offset 0 on)");
}

// A stream under the bound is read to its end, NUL padding and all.
TEST_F(IoStreams, NulPaddingInAStreamUnderTheBoundIsFine) {
  const std::string p = fifo("padded");
  CollectSink s;
  std::vector<FileStats> stats;
  {
    FifoWriter w(p, std::string(3u << 20, '\0') + event(5));
    stats = read_bounded({p}, s);
  }
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].parsed, 1u);
  EXPECT_TRUE(s.problems.empty()) << s.problems[0].what;
}

// Found by a tester: "hunt demo/ demo/sysmon_process.log" counted that file's events twice.
TEST_F(IoStreams, OverlappingPathsReadEachFileOnce) {
  const std::string a = dir.file("logs/a.xml", event(1));
  const std::string b = dir.file("logs/b.xml", event(2) + event(3));
  const std::string logs = dir.path() + "/logs";
  CollectSink s;
  auto stats = read_bounded({logs, a, logs + "/./a.xml"}, s);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].path, a);
  EXPECT_EQ(stats[1].path, b);
  ASSERT_EQ(s.events.size(), 3u);
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_TRUE(s.problems[0].warning);
  EXPECT_EQ(s.problems[0].file, a);
  EXPECT_EQ(s.problems[0].what, "given twice: read once");
  EXPECT_EQ(s.problems[1].file, logs + "/./a.xml");
  EXPECT_EQ(s.problems[1].what, "given twice (the same file as " + a + "): read once");

  // A directory given twice: one warning for all its files.
  CollectSink s2;
  stats = read_bounded({logs, logs}, s2);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(s2.events.size(), 3u);
  ASSERT_EQ(s2.problems.size(), 1u);
  EXPECT_TRUE(s2.problems[0].warning);
  EXPECT_EQ(s2.problems[0].file, logs);
  EXPECT_EQ(s2.problems[0].what, "2 file(s) under this directory given twice (e.g. " + a + "): read once");

  // A hard link is the same file too.
  const std::string link = dir.path() + "/link.xml";
  ASSERT_EQ(::link(b.c_str(), link.c_str()), 0);
  CollectSink s3;
  stats = read_bounded({b, link}, s3);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(s3.events.size(), 2u);
  ASSERT_EQ(s3.problems.size(), 1u);
  EXPECT_EQ(s3.problems[0].file, link);
  EXPECT_EQ(s3.problems[0].what, "given twice (the same file as " + b + "): read once");
}

// The walk skips files named like documentation; named as well, such a file is read
// (once), as any file the user names is.
TEST_F(IoStreams, NamedFileAlsoFoundInAWalkIsReadAsNamed) {
  const std::string md = dir.file("logs/events.md", event(9));
  CollectSink s;
  auto stats = read_bounded({dir.path() + "/logs", md}, s);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_FALSE(stats[0].skipped);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].at("EventRecordID"), "9");
}

// "-" twice: stdin is read once (a second read would find it drained anyway).
TEST_F(IoStreams, StdinGivenTwiceIsReadOnce) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string data = event(4);
  ASSERT_TRUE(write_all(fds[1], data));
  ::close(fds[1]);
  const int saved = ::dup(0);
  ::dup2(fds[0], 0);
  ::close(fds[0]);
  CollectSink s;
  auto stats = read_bounded({"-", "-"}, s);
  ::dup2(saved, 0);
  ::close(saved);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].path, "-");
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].at("EventRecordID"), "4");
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].what, "given twice: read once");
}

}  // namespace
}  // namespace splinter::io::testing
