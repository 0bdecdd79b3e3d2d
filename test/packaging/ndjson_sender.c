/* ndjson_sender.c PORT -- logs two records through uvlog's TCP sink with
 * NDJSON framing to 127.0.0.1:PORT and closes (for check_receivers.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <uvlog.h>

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  uvlog_t *log;
  uvlog_sink_t *tcp;
  uvlog_tcp_options_t t;
  uvlog_tcp_options_init(&t);
  t.host = "127.0.0.1";
  t.port = argv[1];
  t.framing = UVLOG_TCP_NDJSON;
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = UVLOG_FORMAT_JSON; /* NDJSON framing carries the JSON format */
  fo.app_name = "ndjson-check";
  int rc = uvlog_logger_create(&log, NULL);
  if (rc == 0) rc = uvlog_sink_tcp_create(&tcp, &t);
  if (rc == 0) rc = uvlog_sink_set_format(tcp, &fo);
  if (rc == 0) rc = uvlog_sink_add(log, tcp);
  if (rc == 0) rc = uvlog_logger_start(log);
  if (rc == 0) rc = UVLOG_WARNING_TO(log, "first \"quoted\" %d", 1);
  if (rc == 0) rc = UVLOG_INFO_TO(log, "second%cline", '\n');
  if (rc == 0) rc = uvlog_logger_flush(log, 5000);
  int rc2 = uvlog_logger_close(log);
  uvlog_stats_t st;
  if (uvlog_logger_stats(log, &st) == 0 && st.sink_dropped != 0) rc = -1;
  uvlog_logger_destroy(log);
  if (rc != 0 || rc2 != 0) {
    fprintf(stderr, "ndjson_sender: %s\n", uvlog_strerror(rc ? rc : rc2));
    return 1;
  }
  return 0;
}
