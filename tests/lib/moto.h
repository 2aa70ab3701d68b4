/* sluice tests: a real moto_server on a free 127.0.0.1 port for one test binary.
 * moto_start() also points the AWS environment at it (AWS_ENDPOINT_URL, test
 * credentials, us-east-1, no shared files). The server is killed on moto_stop(),
 * at exit, on fatal signals, and (PDEATHSIG) if the test process dies. */
#ifndef SL_TESTS_MOTO_H
#define SL_TESTS_MOTO_H

#include <cjson/cJSON.h>

/* Start (retrying on a port race); exits the process with a message on failure. */
void moto_start(void);
/* Stop; print the server log tail when print_log is set (a test failed). */
void moto_stop(int print_log);
const char *moto_endpoint(void);   /* "http://127.0.0.1:PORT" */
int moto_port(void);

/* A name unique within this run: "<prefix>-<pid>-<counter>" (lowercase, S3-legal). */
const char *test_unique_name(const char *prefix);

/* Cross-client check: run a batch of boto3 calls in one python process.
 * calls is a JSON array of {"service","op","params"}; bytes are written as
 * {"__b64__": "..."} both ways, {"__file__": path} reads a request file.
 * Returns the JSON array of results ({"ok":..} or {"error":{"code","message"}}),
 * or NULL (with a message on stderr) when python failed. */
cJSON *boto_batch(const char *calls_json);
/* One call; returns the "ok" object (owned by the returned root *root). */
cJSON *boto_call(cJSON **root, const char *service, const char *op, const char *params_json);

/* Wrap a test binary's main. */
#define MOTO_TEST_MAIN(cases) \
    int main(int argc, char **argv) { \
        moto_start(); \
        int rc_ = test_main(cases, sizeof(cases) / sizeof(*(cases)), argc, argv); \
        moto_stop(rc_ != 0); \
        return rc_; \
    }

#endif
