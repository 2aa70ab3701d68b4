#include "tests/lib/moto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/str.h"
#include "tests/lib/test.h"

static pid_t g_pid;
static int g_port;
static char g_endpoint[64];
static char g_log[256];

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) ||
        getsockname(s, (struct sockaddr *)&a, &len)) {
        if (s >= 0)
            close(s);
        return -1;
    }
    close(s);
    return ntohs(a.sin_port);
}

static int port_answers(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (ok) {
        /* moto accepts before its app is ready: wait for a real HTTP answer. */
        const char req[] = "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        char buf[16] = "";
        ok = write(s, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1) &&
             read(s, buf, sizeof(buf) - 1) > 0 && strncmp(buf, "HTTP/", 5) == 0;
    }
    if (s >= 0)
        close(s);
    return ok;
}

static void kill_server(void)
{
    if (g_pid <= 0)
        return;
    kill(g_pid, SIGTERM);
    for (int i = 0; i < 100; i++) {   /* up to 5 s, then force */
        if (waitpid(g_pid, NULL, WNOHANG) == g_pid) {
            g_pid = 0;
            return;
        }
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
    }
    kill(g_pid, SIGKILL);
    waitpid(g_pid, NULL, 0);
    g_pid = 0;
}

static void on_signal(int sig)
{
    if (g_pid > 0)
        kill(g_pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void at_exit(void)
{
    kill_server();
}

static void print_log_tail(void)
{
    FILE *f = fopen(g_log, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size > 8000 ? size - 8000 : 0, SEEK_SET);
    fprintf(stderr, "---- moto_server log (%s, tail) ----\n", g_log);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stderr);
    fprintf(stderr, "---- end of moto_server log ----\n");
    fclose(f);
}

static int try_start(int port)
{
    snprintf(g_log, sizeof(g_log), "%s/sluice-moto-%d.log",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", port);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        int fd = open(g_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        char p[16];
        snprintf(p, sizeof(p), "%d", port);
        /* S3_UPLOAD_PART_MIN_SIZE lets multipart tests use small parts. */
        setenv("S3_UPLOAD_PART_MIN_SIZE", "1", 1);
        execlp("moto_server", "moto_server", "-H", "127.0.0.1", "-p", p, (char *)NULL);
        _exit(127);
    }
    g_pid = pid;
    int64_t deadline = sl_mono_ms() + 60000;
    while (sl_mono_ms() < deadline) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            g_pid = 0;
            return -1;   /* exited: port taken or not installed */
        }
        if (port_answers(port))
            return 0;
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    kill_server();
    return -1;
}

void moto_start(void)
{
    atexit(at_exit);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGSEGV, on_signal);
    signal(SIGABRT, on_signal);
    for (int tries = 0; tries < 5; tries++) {
        int port = free_port();
        if (port > 0 && try_start(port) == 0) {
            g_port = port;
            snprintf(g_endpoint, sizeof(g_endpoint), "http://127.0.0.1:%d", port);
            setenv("AWS_ENDPOINT_URL", g_endpoint, 1);
            setenv("AWS_ACCESS_KEY_ID", "test", 1);
            setenv("AWS_SECRET_ACCESS_KEY", "test", 1);
            setenv("AWS_REGION", "us-east-1", 1);
            setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
            setenv("AWS_CONFIG_FILE", "/dev/null", 1);
            setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
            unsetenv("AWS_SESSION_TOKEN");
            unsetenv("AWS_PROFILE");
            unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
            unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
            return;
        }
    }
    print_log_tail();
    fprintf(stderr, "moto_server did not start on 127.0.0.1 (is it installed?)\n");
    exit(2);
}

void moto_stop(int print_log)
{
    if (print_log)
        print_log_tail();
    kill_server();
    unlink(g_log);
}

const char *moto_endpoint(void) { return g_endpoint; }
int moto_port(void) { return g_port; }

const char *test_unique_name(const char *prefix)
{
    static __thread char name[96];
    static int counter;
    snprintf(name, sizeof(name), "%s-%d-%d", prefix, (int)getpid(),
             __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST));
    return name;
}

cJSON *boto_batch(const char *calls_json)
{
    char in[] = "/tmp/sluice-boto-in-XXXXXX";
    int fd = mkstemp(in);
    if (fd < 0)
        return NULL;
    size_t n = strlen(calls_json);
    if (write(fd, calls_json, n) != (ssize_t)n) {
        close(fd);
        unlink(in);
        return NULL;
    }
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "python3 '%s/tests/lib/boto.py' '%s'", test_repo_root(), in);
    FILE *p = popen(cmd, "r");
    sl_buf out;
    sl_buf_init(&out, 0);
    char buf[65536];
    size_t got;
    while (p && (got = fread(buf, 1, sizeof(buf), p)) > 0)
        if (sl_buf_append(&out, buf, got))
            break;
    int st = p ? pclose(p) : -1;
    unlink(in);
    cJSON *res = st == 0 ? cJSON_ParseWithLength(out.data ? out.data : "", out.len) : NULL;
    if (!cJSON_IsArray(res)) {
        fprintf(stderr, "boto.py failed (status %d): %.500s\n", st, out.data ? out.data : "");
        cJSON_Delete(res);
        res = NULL;
    }
    sl_buf_cleanup(&out);
    return res;
}

cJSON *boto_call(cJSON **root, const char *service, const char *op, const char *params_json)
{
    sl_buf b;
    sl_buf_init(&b, 0);
    if (sl_buf_printf(&b, "[{\"service\":\"%s\",\"op\":\"%s\",\"params\":%s}]", service, op,
                      params_json ? params_json : "{}")) {
        sl_buf_cleanup(&b);
        return NULL;
    }
    *root = boto_batch(b.data);
    sl_buf_cleanup(&b);
    cJSON *first = cJSON_GetArrayItem(*root, 0);
    cJSON *ok = cJSON_GetObjectItemCaseSensitive(first, "ok");
    if (!ok) {
        char *e = cJSON_PrintUnformatted(first);
        fprintf(stderr, "boto3 %s.%s failed: %s\n", service, op, e ? e : "(no result)");
        free(e);
    }
    return ok;
}
