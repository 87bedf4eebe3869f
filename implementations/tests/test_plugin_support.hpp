#pragma once
// What the plugin tests share: the fixture plugins' paths (plugins_tests.cmake defines them) and
// an assertion that a call throws a given exception whose message holds given words.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace rnnsuite::impl::testing {

// Runs `call`, expects an Exception, and returns its message after checking every word is in it.
template <class Exception, class Call>
std::string expect_thrown(Call&& call, std::initializer_list<const char*> words) {
  try {
    call();
  } catch (const Exception& e) {
    const std::string message = e.what();
    for (const char* word : words)
      EXPECT_NE(message.find(word), std::string::npos) << "'" << word << "' not in: " << message;
    return message;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "another exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "nothing thrown";
  return {};
}

}  // namespace rnnsuite::impl::testing
