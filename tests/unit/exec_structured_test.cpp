// The JSON and XML walkers behind spath, xmlkv and fromjson, on hand-made text: names,
// decoding, the auto-extraction cutoff, and damaged input.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "exec/structured.h"
#include "exec_test_util.h"

using namespace splinter;
using namespace splinter::exec;
using namespace splinter::exec::test;

namespace {

struct Pairs : KvSink {
  std::string out;
  void add(std::string_view n, std::string_view v) override {
    out += (out.empty() ? "" : ";") + std::string(n) + "=" + std::string(v);
  }
};

std::string leaves(const std::string& t, size_t cutoff = 5000) {
  Pairs p;
  if (!json_leaves(t, cutoff, p) && !xml_leaves(t, cutoff, p)) return "<not structured>";
  return p.out;
}

std::string at(const std::string& t, const std::string& path) {
  std::vector<std::string> out;
  const auto steps = parse_spath_path(path);
  if (!json_path(t, steps, out)) xml_path(t, steps, out);
  std::string s;
  for (auto& v : out) s += (s.empty() ? "" : "|") + v;
  return s;
}

}  // namespace

TEST(ExecStructured, JsonLeavesNamesAndDecoding) {
  EXPECT_EQ(leaves(R"({"a":{"b":[1,{"c":"\u00e9\n"}]},"d":[],"e":{}})"), "a.b{}=1;a.b{}.c=\xC3\xA9\n");
  EXPECT_EQ(leaves(R"([{"x":1},{"x":2}])"), "{}.x=1;{}.x=2");
  EXPECT_EQ(leaves(R"({"s":"\ud83d\ude00","lone":"\ud800"})"), "s=\xF0\x9F\x98\x80;lone=\xEF\xBF\xBD");
  EXPECT_EQ(leaves(R"({"n":-1.5e3,"t":false})"), "n=-1.5e3;t=false");
  EXPECT_EQ(leaves("plain text"), "<not structured>");
  // A document broken off gives the leaves before the break.
  EXPECT_EQ(leaves(R"({"a":1,"b":"x","c":)"), "a=1;b=x");
}

// limits.conf [spath] extraction_cutoff (5000): auto-extraction reads only the first bytes;
// a leaf that ends past the cutoff is not given, nor anything after it.
TEST(ExecStructured, AutoExtractionStopsAtTheCutoff) {
  const std::string doc = R"({"a":"1","b":"22","c":"3"})";
  EXPECT_EQ(leaves(doc, doc.size()), "a=1;b=22;c=3");
  EXPECT_EQ(leaves(doc, doc.find("22") + 3), "a=1;b=22");
  EXPECT_EQ(leaves(doc, doc.find("22") + 2), "a=1");
  std::string big = "{\"pad\":\"" + std::string(6000, 'x') + "\",\"late\":1}";
  EXPECT_EQ(leaves(big), "");
  // Path mode has no cutoff.
  EXPECT_EQ(at(big, "late"), "1");
}

TEST(ExecStructured, JsonPathSteps) {
  const std::string doc = R"({"r":[{"b":"x","L":[{"d":1},{"d":2}]},{"b":"y"}],"o":{"k" : [ 1 , 2 ]}})";
  EXPECT_EQ(at(doc, "r{}.b"), "x|y");
  EXPECT_EQ(at(doc, "r{}.L{}.d"), "1|2");
  EXPECT_EQ(at(doc, "r.b"), "");  // an array is not stepped into without {}
  EXPECT_EQ(at(doc, "o.k"), "[ 1 , 2 ]");
  EXPECT_EQ(at(doc, "o"), R"({"k" : [ 1 , 2 ]})");
  EXPECT_EQ(at(R"([[1,2],[3]])", "{}{}"), "1|2|3");
  EXPECT_THROW(parse_spath_path("a{1}"), std::invalid_argument);
  EXPECT_THROW(parse_spath_path("a..b"), std::invalid_argument);
  EXPECT_THROW(parse_spath_path("a{@x}.b"), std::invalid_argument);
  EXPECT_THROW(parse_spath_path("a{"), std::invalid_argument);
}

TEST(ExecStructured, XmlLeavesPathsAndDamage) {
  EXPECT_EQ(leaves("<?xml version='1.0'?><!-- c --><r a='1'><x>t&lt;1&#65;</x><y><![CDATA[<raw>]]></y><z> </z></r>"),
            "r{@a}=1;r.x=t<1A;r.y=<raw>");
  EXPECT_EQ(at("<r><p n='a'>1</p><p n='b'><q>2</q></p></r>", "r.p"), "1|<q>2</q>");
  EXPECT_EQ(at("<r><p n='a'>1</p><p n='b'><q>2</q></p></r>", "r.p{@n}"), "a|b");
  EXPECT_EQ(at("<r><p>1</p></r>", "p"), "");  // the first step names the root
  // An element left open is closed by its parent's end tag; a broken tag ends the walk
  // and what came before it stays.
  EXPECT_EQ(leaves("<r><a>1</a><b>2</r>"), "r.a=1;r.b=2");
  EXPECT_EQ(leaves("<r><a>1</a><b x='unterminated></r>"), "r.a=1");
}

TEST(ExecStructured, XmlTagValuesAnywhere) {
  Pairs p;
  xml_tag_values("text before <T><A>1</A><B><A>2</A></B><C/></T> after", p);
  EXPECT_EQ(p.out, "A=1;A=2");
}

TEST(ExecStructured, WildcardCapture) {
  std::vector<std::string_view> caps;
  ASSERT_TRUE(wildcard_capture("a*b*c", "aXbYbZc", caps));
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[0], "X");
  EXPECT_EQ(caps[1], "YbZ");
  EXPECT_TRUE(wildcard_capture("*", "", caps));
  EXPECT_FALSE(wildcard_capture("ab*ba", "aba", caps));
  EXPECT_FALSE(wildcard_capture("A*", "a1", caps));  // case-sensitive
}

// spath over rows: a multivalue input is read value by value; a missing input leaves the row.
TEST(ExecSpath, MultivalueInputAndMissingField) {
  Row r = row({{"k", "1"}});
  Value m;
  m.type = Value::Type::Multi;
  m.multi = {R"({"a":1})", R"({"a":2})"};
  r.set("j", m);
  auto out = run("search * | spath input=j path=a output=v | spath input=nope path=a output=k", {r});
  EXPECT_EQ(text(out[0], "v"), "1|2");
  EXPECT_EQ(text(out[0], "k"), "1");
}
