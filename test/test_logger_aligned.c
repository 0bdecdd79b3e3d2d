/*
 * test_logger_aligned.c -- the logger is allocated with the alignment its
 * cache-line members declare (_Alignas(64)); calloc's 16 bytes made every
 * access to them undefined behaviour, and the line layout a fiction.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "logger_impl.h"

Test(logger_aligned, every_logger_is_aligned) {
  uvlog_t *logs[16];
  for (int i = 0; i < 16; i++) {
    void *noise = malloc((size_t)(i * 24 + 8)); /* vary the heap's state */
    cr_assert_eq(uvlog_logger_create(&logs[i], NULL), 0);
    cr_assert_eq((uintptr_t)logs[i] % _Alignof(uvlog_t), 0, "logger %d at %p", i, (void *)logs[i]);
    cr_assert_eq((uintptr_t)&logs[i]->ring.tail % 64, 0);
    cr_assert_eq((uintptr_t)&logs[i]->ring.head % 64, 0);
    cr_assert_eq((void *)&logs[i]->head.pub, (void *)logs[i], "pub is the first member");
    free(noise);
  }
  cr_assert_geq(_Alignof(uvlog_t), 64);
  for (int i = 0; i < 16; i++) uvlog_logger_destroy(logs[i]);
}
