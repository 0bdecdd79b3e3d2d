/*
 * capture.h -- what the rest of the library needs from capture.c.
 */
#ifndef UVLOG_CAPTURE_INTERNAL_H
#define UVLOG_CAPTURE_INTERNAL_H

/* The descriptor the stderr sink writes: 2, or, while fd 2 is captured, a
 * copy of the original fd 2 (so records do not loop through the capture). */
int uvlog__stderr_fd(void);

#endif /* UVLOG_CAPTURE_INTERNAL_H */
