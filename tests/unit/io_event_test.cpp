// io::Event: fields are views; add() copies into storage the Event owns, add_view()
// does not copy. Views must stay valid while more fields are added.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "io/event.h"

namespace splinter::io {
namespace {

std::string value_of(size_t i) {
  // Sizes from empty to a few hundred bytes, so blocks fill and roll over unevenly.
  return std::string(i % 311, char('a' + i % 26)) + std::to_string(i);
}

// Adds n fields from one reused buffer, so a view into the caller's bytes would show.
void fill(Event& e, size_t n, const std::string& huge) {
  std::string buf;
  for (size_t i = 0; i < n; ++i) {
    buf = "f" + std::to_string(i);
    std::string v = i == n / 2 ? huge : value_of(i);
    e.add(buf, v);
    buf.assign(buf.size(), '#');
    v.assign(v.size(), '#');
  }
}

void expect_filled(const Event& e, size_t n, const std::string& huge) {
  ASSERT_EQ(e.size(), n);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(e[i].name, "f" + std::to_string(i)) << i;
    EXPECT_EQ(e[i].value, i == n / 2 ? huge : value_of(i)) << i;
  }
}

TEST(IoEvent, ViewsStayValidWhileFieldsAreAdded) {
  const std::string huge(200'000, 'H');  // larger than any storage block
  Event e;
  e.add("first", "value of the first field");
  const char* first_name = e[0].name.data();
  const char* first_value = e[0].value.data();
  fill(e, 3000, huge);
  e.add("mid-size", std::string(9000, 'm'));  // over the own-block threshold, under a block
  EXPECT_EQ(e[0].name.data(), first_name);
  EXPECT_EQ(e[0].value.data(), first_value);
  EXPECT_EQ(e[0].value, "value of the first field");
  ASSERT_EQ(e.size(), 3002u);
  for (size_t i = 0; i < 3000; ++i) {
    EXPECT_EQ(e[i + 1].name, "f" + std::to_string(i)) << i;
    EXPECT_EQ(e[i + 1].value, i == 1500 ? huge : value_of(i)) << i;
  }
  EXPECT_EQ(e[3001].value, std::string(9000, 'm'));
}

TEST(IoEvent, ClearReusesStorage) {
  const std::string huge(100'000, 'x');
  Event e;
  fill(e, 500, huge);
  e.time_us = 42;
  e.offset = 7;
  e.line = 3;
  e.recovered = true;
  const char* first = e[1].value.data();
  const char* big = e[250].value.data();
  e.clear();
  EXPECT_EQ(e.size(), 0u);
  EXPECT_EQ(e.begin(), e.end());
  EXPECT_EQ(e.get("f0"), nullptr);
  EXPECT_EQ(e.time_us, kNoTime);
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.line, 0u);
  EXPECT_FALSE(e.recovered);
  for (int round = 0; round < 3; ++round) {
    fill(e, 500, huge);
    expect_filled(e, 500, huge);
    // Same bytes again: the same blocks are reused, nothing new is allocated.
    EXPECT_EQ(e[1].value.data(), first);
    EXPECT_EQ(e[250].value.data(), big);
    e.clear();
  }
}

TEST(IoEvent, GetFirstValueWins) {
  Event e;
  EXPECT_EQ(e.get("EventID"), nullptr);
  e.add("EventID", "1");
  e.add("Data", "a");
  e.add("EventID", "2");
  e.add("Data", "b");
  e.add("Empty", "");
  const std::string_view* id = e.get("EventID");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(*id, "1");
  EXPECT_EQ(id, &e[0].value);
  ASSERT_NE(e.get("Data"), nullptr);
  EXPECT_EQ(*e.get("Data"), "a");
  ASSERT_NE(e.get("Empty"), nullptr);  // present but empty is not absent
  EXPECT_TRUE(e.get("Empty")->empty());
  EXPECT_EQ(e.get("eventid"), nullptr);  // names are case-sensitive
  EXPECT_EQ(e.get("Event"), nullptr);
}

TEST(IoEvent, AddViewDoesNotCopy) {
  const std::string name = "CommandLine", value = "cmd.exe /c whoami";
  Event e;
  e.add_view(name, value);
  e.add("Image", "C:\\Windows\\System32\\cmd.exe");
  EXPECT_EQ(e[0].name.data(), name.data());
  EXPECT_EQ(e[0].value.data(), value.data());
  EXPECT_NE(e[1].value.data(), nullptr);
  ASSERT_NE(e.get("CommandLine"), nullptr);
  EXPECT_EQ(*e.get("CommandLine"), value);
}

TEST(IoEvent, CopyOwnsItsBytesAndMoveKeepsViews) {
  const std::string huge(50'000, 'z');
  std::string viewed = "viewed value";
  Event copy, moved;
  {
    Event src;
    fill(src, 200, huge);
    src.add_view("Viewed", viewed);
    src.time_us = 5;
    copy = src;  // copies the viewed bytes too: the copy outlives `src`
    const char* before = src[3].value.data();
    moved = std::move(src);
    EXPECT_EQ(moved[3].value.data(), before);  // blocks move, bytes stay put
    EXPECT_EQ(src.size(), 0u);
    src.add("reuse", "after move");  // the moved-from event is usable and independent
    EXPECT_EQ(src[0].value, "after move");
  }
  viewed.assign(viewed.size(), '#');
  ASSERT_EQ(copy.size(), 201u);
  for (size_t i = 0; i < 200; ++i) EXPECT_EQ(copy[i].value, i == 100 ? huge : value_of(i)) << i;
  EXPECT_EQ(copy[200].value, "viewed value");
  EXPECT_EQ(copy.time_us, 5);
  ASSERT_EQ(moved.size(), 201u);
  for (size_t i = 0; i < 200; ++i) EXPECT_EQ(moved[i].value, i == 100 ? huge : value_of(i)) << i;
  EXPECT_EQ(moved[200].value, "############");  // still a view of `viewed`
  EXPECT_EQ(moved.time_us, 5);
  const Event again(moved);
  EXPECT_EQ(again[100].value, huge);
  EXPECT_NE(again[100].value.data(), moved[100].value.data());
}

}  // namespace
}  // namespace splinter::io
