/*
 * uvlog/args.h -- generated preprocessor machinery for the deferred macros
 * in uvlog.h: counting a call's arguments (0..16, or M for 17..63) and, for
 * each count, building the uvlog_arg_t array and the "every argument can be
 * encoded" check. Included by uvlog.h; not meant to be included on its own.
 */
#ifndef UVLOG_ARGS_H
#define UVLOG_ARGS_H

/* Generated: argument counting (0..16, or M for 17..63) and per-count lists. */
#define UVLOG__NARGS(...) UVLOG__NARGS_(__VA_ARGS__, M, M, M, M, M, M, M, M, M, M, M, M, M, M,   \
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,    \
    M, M, M, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, ~)
#define UVLOG__NARGS_(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15,      \
    _16, _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33,    \
    _34, _35, _36, _37, _38, _39, _40, _41, _42, _43, _44, _45, _46, _47, _48, _49, _50, _51,    \
    _52, _53, _54, _55, _56, _57, _58, _59, _60, _61, _62, _63, n, ...) n
#define UVLOG__ARGV_0(f) ((const uvlog_arg_t *)0)
#define UVLOG__OKS_0(f) 1
#define UVLOG__ARGV_1(f, a1) ((const uvlog_arg_t[]){UVLOG__ARG(a1)})
#define UVLOG__OKS_1(f, a1) (UVLOG__OK(a1))
#define UVLOG__ARGV_2(f, a1, a2) ((const uvlog_arg_t[]){UVLOG__ARG(a1), UVLOG__ARG(a2)})
#define UVLOG__OKS_2(f, a1, a2) (UVLOG__OK(a1) & UVLOG__OK(a2))
#define UVLOG__ARGV_3(f, a1, a2, a3) ((const uvlog_arg_t[]){UVLOG__ARG(a1), UVLOG__ARG(a2),      \
    UVLOG__ARG(a3)})
#define UVLOG__OKS_3(f, a1, a2, a3) (UVLOG__OK(a1) & UVLOG__OK(a2) & UVLOG__OK(a3))
#define UVLOG__ARGV_4(f, a1, a2, a3, a4) ((const uvlog_arg_t[]){UVLOG__ARG(a1),                  \
    UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4)})
#define UVLOG__OKS_4(f, a1, a2, a3, a4) (UVLOG__OK(a1) & UVLOG__OK(a2) & UVLOG__OK(a3) &         \
    UVLOG__OK(a4))
#define UVLOG__ARGV_5(f, a1, a2, a3, a4, a5) ((const uvlog_arg_t[]){UVLOG__ARG(a1),              \
    UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5)})
#define UVLOG__OKS_5(f, a1, a2, a3, a4, a5) (UVLOG__OK(a1) & UVLOG__OK(a2) & UVLOG__OK(a3) &     \
    UVLOG__OK(a4) & UVLOG__OK(a5))
#define UVLOG__ARGV_6(f, a1, a2, a3, a4, a5, a6) ((const uvlog_arg_t[]){UVLOG__ARG(a1),          \
    UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5), UVLOG__ARG(a6)})
#define UVLOG__OKS_6(f, a1, a2, a3, a4, a5, a6) (UVLOG__OK(a1) & UVLOG__OK(a2) &                 \
    UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) & UVLOG__OK(a6))
#define UVLOG__ARGV_7(f, a1, a2, a3, a4, a5, a6, a7) ((const uvlog_arg_t[]){UVLOG__ARG(a1),      \
    UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5), UVLOG__ARG(a6),              \
    UVLOG__ARG(a7)})
#define UVLOG__OKS_7(f, a1, a2, a3, a4, a5, a6, a7) (UVLOG__OK(a1) & UVLOG__OK(a2) &             \
    UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) & UVLOG__OK(a6) & UVLOG__OK(a7))
#define UVLOG__ARGV_8(f, a1, a2, a3, a4, a5, a6, a7, a8) ((const uvlog_arg_t[]){                 \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8)})
#define UVLOG__OKS_8(f, a1, a2, a3, a4, a5, a6, a7, a8) (UVLOG__OK(a1) & UVLOG__OK(a2) &         \
    UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) & UVLOG__OK(a6) & UVLOG__OK(a7) &              \
    UVLOG__OK(a8))
#define UVLOG__ARGV_9(f, a1, a2, a3, a4, a5, a6, a7, a8, a9) ((const uvlog_arg_t[]){             \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9)})
#define UVLOG__OKS_9(f, a1, a2, a3, a4, a5, a6, a7, a8, a9) (UVLOG__OK(a1) & UVLOG__OK(a2) &     \
    UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) & UVLOG__OK(a6) & UVLOG__OK(a7) &              \
    UVLOG__OK(a8) & UVLOG__OK(a9))
#define UVLOG__ARGV_10(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) ((const uvlog_arg_t[]){       \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9), UVLOG__ARG(a10)})
#define UVLOG__OKS_10(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) (UVLOG__OK(a1) &               \
    UVLOG__OK(a2) & UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) & UVLOG__OK(a6) &              \
    UVLOG__OK(a7) & UVLOG__OK(a8) & UVLOG__OK(a9) & UVLOG__OK(a10))
#define UVLOG__ARGV_11(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) ((const uvlog_arg_t[]){  \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9), UVLOG__ARG(a10),             \
    UVLOG__ARG(a11)})
#define UVLOG__OKS_11(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) (UVLOG__OK(a1) &          \
    UVLOG__OK(a2) & UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) & UVLOG__OK(a6) &              \
    UVLOG__OK(a7) & UVLOG__OK(a8) & UVLOG__OK(a9) & UVLOG__OK(a10) & UVLOG__OK(a11))
#define UVLOG__ARGV_12(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12) ((const uvlog_arg_t[]){ \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9), UVLOG__ARG(a10),             \
    UVLOG__ARG(a11), UVLOG__ARG(a12)})
#define UVLOG__OKS_12(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12) (UVLOG__OK(a1) &     \
    UVLOG__OK(a2) & UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) & UVLOG__OK(a6) &              \
    UVLOG__OK(a7) & UVLOG__OK(a8) & UVLOG__OK(a9) & UVLOG__OK(a10) & UVLOG__OK(a11) &            \
    UVLOG__OK(a12))
#define UVLOG__ARGV_13(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13) ((const uvlog_arg_t[]){ \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9), UVLOG__ARG(a10),             \
    UVLOG__ARG(a11), UVLOG__ARG(a12), UVLOG__ARG(a13)})
#define UVLOG__OKS_13(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13) (               \
    UVLOG__OK(a1) & UVLOG__OK(a2) & UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) &              \
    UVLOG__OK(a6) & UVLOG__OK(a7) & UVLOG__OK(a8) & UVLOG__OK(a9) & UVLOG__OK(a10) &             \
    UVLOG__OK(a11) & UVLOG__OK(a12) & UVLOG__OK(a13))
#define UVLOG__ARGV_14(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14) ((const uvlog_arg_t[]){ \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9), UVLOG__ARG(a10),             \
    UVLOG__ARG(a11), UVLOG__ARG(a12), UVLOG__ARG(a13), UVLOG__ARG(a14)})
#define UVLOG__OKS_14(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14) (          \
    UVLOG__OK(a1) & UVLOG__OK(a2) & UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) &              \
    UVLOG__OK(a6) & UVLOG__OK(a7) & UVLOG__OK(a8) & UVLOG__OK(a9) & UVLOG__OK(a10) &             \
    UVLOG__OK(a11) & UVLOG__OK(a12) & UVLOG__OK(a13) & UVLOG__OK(a14))
#define UVLOG__ARGV_15(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15) ((const uvlog_arg_t[]){ \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9), UVLOG__ARG(a10),             \
    UVLOG__ARG(a11), UVLOG__ARG(a12), UVLOG__ARG(a13), UVLOG__ARG(a14), UVLOG__ARG(a15)})
#define UVLOG__OKS_15(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15) (     \
    UVLOG__OK(a1) & UVLOG__OK(a2) & UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) &              \
    UVLOG__OK(a6) & UVLOG__OK(a7) & UVLOG__OK(a8) & UVLOG__OK(a9) & UVLOG__OK(a10) &             \
    UVLOG__OK(a11) & UVLOG__OK(a12) & UVLOG__OK(a13) & UVLOG__OK(a14) & UVLOG__OK(a15))
#define UVLOG__ARGV_16(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16) ((const uvlog_arg_t[]){ \
    UVLOG__ARG(a1), UVLOG__ARG(a2), UVLOG__ARG(a3), UVLOG__ARG(a4), UVLOG__ARG(a5),              \
    UVLOG__ARG(a6), UVLOG__ARG(a7), UVLOG__ARG(a8), UVLOG__ARG(a9), UVLOG__ARG(a10),             \
    UVLOG__ARG(a11), UVLOG__ARG(a12), UVLOG__ARG(a13), UVLOG__ARG(a14), UVLOG__ARG(a15),         \
    UVLOG__ARG(a16)})
#define UVLOG__OKS_16(f, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16) ( \
    UVLOG__OK(a1) & UVLOG__OK(a2) & UVLOG__OK(a3) & UVLOG__OK(a4) & UVLOG__OK(a5) &              \
    UVLOG__OK(a6) & UVLOG__OK(a7) & UVLOG__OK(a8) & UVLOG__OK(a9) & UVLOG__OK(a10) &             \
    UVLOG__OK(a11) & UVLOG__OK(a12) & UVLOG__OK(a13) & UVLOG__OK(a14) & UVLOG__OK(a15) &         \
    UVLOG__OK(a16))
#define UVLOG__ARGV_M(...) ((const uvlog_arg_t *)0)
#define UVLOG__OKS_M(...) 0
#define UVLOG__CNT_M 0
#define UVLOG__CNT_0 0
#define UVLOG__CNT_1 1
#define UVLOG__CNT_2 2
#define UVLOG__CNT_3 3
#define UVLOG__CNT_4 4
#define UVLOG__CNT_5 5
#define UVLOG__CNT_6 6
#define UVLOG__CNT_7 7
#define UVLOG__CNT_8 8
#define UVLOG__CNT_9 9
#define UVLOG__CNT_10 10
#define UVLOG__CNT_11 11
#define UVLOG__CNT_12 12
#define UVLOG__CNT_13 13
#define UVLOG__CNT_14 14
#define UVLOG__CNT_15 15
#define UVLOG__CNT_16 16

#endif /* UVLOG_ARGS_H */
