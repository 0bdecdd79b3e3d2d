/*
 * interpose.h -- NO_INTERPOSE is defined when the test is built with a
 * sanitizer, whose runtime owns malloc() and free(): tests that interpose
 * them (test_hotpath.c, test_ctx_freed_once.c) skip that part then.
 */
#ifndef UVLOG_TEST_INTERPOSE_H
#define UVLOG_TEST_INTERPOSE_H

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

#endif /* UVLOG_TEST_INTERPOSE_H */
