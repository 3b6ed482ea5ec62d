// Loading security_content: broken files are named, never silently dropped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "content/detection.h"

using namespace splinter;
namespace fs = std::filesystem;

namespace {

struct ContentDir {
  fs::path root = fs::temp_directory_path() / ("splinter-content-" + std::to_string(getpid()));
  ContentDir() { fs::create_directories(root / "detections" / "endpoint"); }
  ~ContentDir() { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(root / rel) << text; }
};

std::string detection(const std::string& name, const std::string& id) {
  return "name: " + name + "\nid: " + id + "\ntype: TTP\nsearch: '| tstats count from datamodel=Endpoint.Processes'\n";
}

bool has_error(const content::Content& c, const std::string& file_part, const std::string& what_part) {
  for (auto& e : c.errors)
    if (e.where.find(file_part) != std::string::npos && e.what.find(what_part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(ContentLoader, BrokenAndDuplicateDetectionsAreReported) {
  ContentDir d;
  d.write("detections/endpoint/a.yml", detection("First", "11111111-0000-0000-0000-000000000001"));
  d.write("detections/endpoint/b.yml", detection("Copy Of First", "11111111-0000-0000-0000-000000000001"));
  d.write("detections/endpoint/c.yml", "name: No Search\nid: 11111111-0000-0000-0000-000000000003\n");
  d.write("detections/endpoint/d.yml", "- just\n- a list\n");
  d.write("detections/endpoint/e.yml", "name: \"unterminated\nid: x\n");
  content::Content c;
  content::load_content_dir(d.root.string(), c);
  ASSERT_EQ(c.detections.size(), 1u);
  EXPECT_EQ(c.detections[0].name, "First");
  EXPECT_TRUE(has_error(c, "b.yml", "duplicate detection id")) << c.errors.size();
  EXPECT_TRUE(has_error(c, "c.yml", "without a search"));
  EXPECT_TRUE(has_error(c, "d.yml", "not a detection"));
  EXPECT_TRUE(has_error(c, "e.yml", ""));
  EXPECT_EQ(c.errors.size(), 4u);
}

TEST(ContentLoader, ContentReplacesTheBuiltinSeedSilently) {
  ContentDir d;
  d.write("detections/endpoint/seed.yml",
          detection("Regsvr32 Silent and Install Param Dll Loading", "f421c250-24e7-11ec-bc43-acde48001122"));
  content::Content c;
  content::load_builtin(c);
  content::load_content_dir(d.root.string(), c);
  EXPECT_TRUE(c.errors.empty());
  ASSERT_EQ(c.detections.size(), 1u);
  EXPECT_NE(c.detections[0].file.find("seed.yml"), std::string::npos);
}

TEST(ContentLoader, MacroWithoutDefinitionIsAnError) {
  ContentDir d;
  d.write("m.yml", "- name: a_filter\n  defintion: search *\n- name: b_filter\n  definition: ''\n");
  content::Content c;
  EXPECT_FALSE(content::load_macros_file((d.root / "m.yml").string(), c) && c.errors.empty());
  EXPECT_TRUE(has_error(c, "m.yml", "\"a_filter\" has no definition"));
  EXPECT_NE(c.macros.find("b_filter", 0), nullptr);  // an explicit empty definition is fine
}
