/* Unit tests for core/cred.c: the chain (env, profile, container endpoint), caching
 * and refresh, the FULL_URI host rule, and that no secret reaches an sl_err.
 * The container endpoint is tests/data/cred/cred_server.py on 127.0.0.1. */
#include "core/cred.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/http.h"
#include "core/str.h"
#include "tests/lib/test.h"

/* ---- environment and temp files ------------------------------------------- */

static const char *const VARS[] = {
    "HOME", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS",
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
};
#define NVARS (sizeof VARS / sizeof *VARS)

static char *g_saved[NVARS];
static int g_snapped;
static char g_tmp[16][64];
static int g_ntmp;

static void files_cleanup(void)
{
    for (int i = 0; i < g_ntmp; i++)
        unlink(g_tmp[i]);
    g_ntmp = 0;
}

static void env_restore(void)
{
    for (size_t i = 0; i < NVARS; i++) {
        if (g_saved[i])
            setenv(VARS[i], g_saved[i], 1);
        else
            unsetenv(VARS[i]);
    }
}

/* Start of every case: no AWS_* credentials, no shared files, no proxy. */
static void env_begin(void)
{
    if (!g_snapped) {
        for (size_t i = 0; i < NVARS; i++)
            g_saved[i] = getenv(VARS[i]) ? strdup(getenv(VARS[i])) : NULL;
        g_snapped = 1;
    }
    files_cleanup();
    sl_cred_set_relative_base(NULL);
    for (size_t i = 0; i < NVARS; i++)
        unsetenv(VARS[i]);
    setenv("AWS_CONFIG_FILE", "/tmp/sluice-cred-no-such-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/tmp/sluice-cred-no-such-credentials", 1);
}

static void env_end(void)
{
    files_cleanup();
    sl_cred_set_relative_base(NULL);
    env_restore();
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK_MSG(f != NULL, "cannot create %s: %s", path, strerror(errno));
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
}

static const char *tmp_file(const char *text)
{
    CHECK(g_ntmp < 16);
    char *p = g_tmp[g_ntmp];
    snprintf(p, 64, "/tmp/sluice-cred-XXXXXX");
    int fd = mkstemp(p);
    CHECK(fd >= 0);
    close(fd);
    g_ntmp++;
    write_file(p, text);
    return p;
}

#define CHECK_HAS(hay, needle) CHECK_MSG(strstr((hay), (needle)) != NULL, \
    "\"%s\" does not contain \"%s\"", (hay), (needle))

/* ---- the credentials server ----------------------------------------------- */

static pid_t g_pid;
static int g_port;
static int g_srv_in = -1;
static sl_http *g_ctl;

static void server_stop(void)
{
    sl_http_free(g_ctl);
    g_ctl = NULL;
    if (!g_pid)
        return;
    close(g_srv_in);            /* the server exits when its stdin closes */
    kill(g_pid, SIGTERM);
    waitpid(g_pid, NULL, 0);
    g_pid = 0;
}

/* GET a control path of the server; returns its JSON (cJSON_Delete it). */
static cJSON *server_get(const char *path)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", g_port, path);
    sl_err err = SL_ERR_INIT;
    sl_http_resp resp;
    sl_http_resp_init(&resp);
    sl_http_req req = {.method = "GET", .url = url, .timeout_ms = 5000};
    int rc = sl_http_send(g_ctl, &req, &resp, &err);
    cJSON *j = rc == 0 && resp.status == 200 && resp.body.data
                   ? cJSON_ParseWithLength(resp.body.data, resp.body.len) : NULL;
    sl_http_resp_cleanup(&resp);
    CHECK_MSG(j != NULL, "control request %s failed: rc %d", path, rc);
    return j;
}

static void read_port(int fd)
{
    char line[32];
    size_t n = 0;
    int64_t deadline = sl_mono_ms() + 15000;
    while (!memchr(line, '\n', n)) {
        int64_t left = deadline - sl_mono_ms();
        CHECK_MSG(left > 0 && n < sizeof line - 1, "credentials server did not start");
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        CHECK(r >= 0);
        if (r == 0)
            continue;
        ssize_t got = read(fd, line + n, sizeof line - 1 - n);
        CHECK_MSG(got > 0, "credentials server exited before printing its port");
        n += (size_t)got;
    }
    line[n] = '\0';
    g_port = atoi(line);
    CHECK_MSG(g_port > 0 && g_port < 65536, "bad port line from server: %s", line);
}

/* Start the server once per binary; each case gets it reset (mode ok1h, count 0). */
static void server_start(void)
{
    if (!g_pid) {
        static int registered;
        CHECK(sl_http_global_init() == 0);
        if (!registered && atexit(server_stop) == 0)
            registered = 1;
        char script[PATH_MAX];
        snprintf(script, sizeof script, "%s/tests/data/cred/cred_server.py", test_repo_root());
        int in[2], out[2];
        CHECK(pipe2(in, O_CLOEXEC) == 0);
        CHECK(pipe2(out, O_CLOEXEC) == 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            execlp("python3", "python3", "-u", script, (char *)NULL);
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        g_pid = pid;
        g_srv_in = in[1];
        read_port(out[0]);
        close(out[0]);
        sl_err err = SL_ERR_INIT;
        CHECK_OK(sl_http_new(&g_ctl, NULL, &err), &err);
    }
    cJSON_Delete(server_get("/_reset"));
}

static void server_mode(const char *mode)
{
    char path[64];
    snprintf(path, sizeof path, "/_set?mode=%s", mode);
    cJSON_Delete(server_get(path));
}

typedef struct stats {
    int count;
    char auth[256];     /* "" when the last request had no Authorization */
    char path[256];
    int64_t exp_s;
} stats;

static stats server_stats(void)
{
    stats s = {0};
    cJSON *j = server_get("/_stats");
    cJSON *c = cJSON_GetObjectItem(j, "count"), *a = cJSON_GetObjectItem(j, "auth");
    cJSON *e = cJSON_GetObjectItem(j, "exp"), *p = cJSON_GetObjectItem(j, "path");
    s.count = cJSON_IsNumber(c) ? c->valueint : -1;
    if (cJSON_IsString(a))
        snprintf(s.auth, sizeof s.auth, "%s", a->valuestring);
    if (cJSON_IsString(p))
        snprintf(s.path, sizeof s.path, "%s", p->valuestring);
    s.exp_s = cJSON_IsNumber(e) ? (int64_t)e->valuedouble : 0;
    cJSON_Delete(j);
    return s;
}

static void set_full_uri(const char *path)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", g_port, path);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
}

static sl_cred_provider *chain(const sl_config *cfg)
{
    sl_cred_provider *p = NULL;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_cred_provider_new(&p, cfg, &err), &err);
    return p;
}

/* get() that must succeed; returns the access key id (static buffer). */
static const char *get_akid(sl_cred_provider *p, sl_creds *out)
{
    static char akid[64];
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_cred_provider_get(p, out, &err), &err);
    CHECK(out->access_key && out->secret_key);
    snprintf(akid, sizeof akid, "%s", out->access_key);
    return akid;
}

static int get_fail(sl_cred_provider *p, sl_err *err)
{
    sl_creds c = SL_CREDS_INIT;
    int rc = sl_cred_provider_get(p, &c, err);
    CHECK_MSG(rc != 0, "get succeeded (%s), expected an error", c.access_key);
    CHECK(c.access_key == NULL && c.secret_key == NULL);
    return rc;
}

/* A 127.0.0.1 port with nothing listening. */
static int closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(s, (struct sockaddr *)&a, &al) == 0);
    close(s);
    return ntohs(a.sin_port);
}

/* ---- static, env, profile ---------------------------------------------------- */

static void test_cred__static(void)
{
    sl_cred_provider *p = NULL;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_cred_provider_static(&p, "AKIDSTATIC", "static-secret", "static-token", &err),
             &err);
    sl_creds c = SL_CREDS_INIT;
    CHECK_STR(get_akid(p, &c), "AKIDSTATIC");
    CHECK_STR(c.secret_key, "static-secret");
    CHECK_STR(c.session_token, "static-token");
    CHECK_STR(c.source, "static");
    CHECK_INT(c.expires_ms, 0);
    sl_creds_cleanup(&c);
    CHECK(c.access_key == NULL && c.secret_key == NULL && c.session_token == NULL);
    sl_cred_provider_free(p);

    CHECK_OK(sl_cred_provider_static(&p, "AKID2", "s2", NULL, &err), &err);
    CHECK_STR(get_akid(p, &c), "AKID2");
    CHECK(c.session_token == NULL);
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);

    CHECK_INT(sl_cred_provider_static(&p, "", "s", NULL, &err), SL_EINVAL);
    CHECK(p == NULL);
    CHECK_INT(sl_cred_provider_static(&p, "AKID", NULL, NULL, &err), SL_EINVAL);
    CHECK_INT(sl_cred_provider_get(NULL, &c, &err), SL_EINVAL);
}

static void test_cred__copy_and_refcount(void)
{
    sl_cred_provider *p = NULL;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_cred_provider_static(&p, "AKIDREF", "ref-secret", NULL, &err), &err);
    CHECK(sl_cred_provider_ref(p) == p);
    CHECK(sl_cred_provider_ref(NULL) == NULL);
    sl_cred_provider_free(p);       /* one reference left */
    sl_creds a = SL_CREDS_INIT, b = SL_CREDS_INIT;
    CHECK_STR(get_akid(p, &a), "AKIDREF");
    sl_cred_provider_free(p);       /* gone (ASan would see a leak or a double free) */
    sl_cred_provider_free(NULL);

    a.expires_ms = 1234;
    CHECK_INT(sl_creds_copy(&b, &a), 0);
    CHECK(b.access_key != a.access_key && b.secret_key != a.secret_key);
    CHECK_STR(b.secret_key, "ref-secret");
    CHECK(b.session_token == NULL);
    CHECK_INT(b.expires_ms, 1234);
    CHECK_STR(b.source, "static");
    sl_creds_cleanup(&a);
    sl_creds_cleanup(&b);
    sl_creds_cleanup(&b);
    sl_creds_cleanup(NULL);
}

static void test_cred__env(void)
{
    env_begin();
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    setenv("AWS_SESSION_TOKEN", "env-token", 1);
    /* env wins over a profile that also has keys */
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file("[default]\naws_access_key_id = AKIDPROF\n"
                                                   "aws_secret_access_key = prof-secret\n"), 1);
    sl_config cfg;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_config_load(&cfg, &err), &err);
    sl_cred_provider *p = chain(&cfg);
    sl_creds c = SL_CREDS_INIT;
    CHECK_STR(get_akid(p, &c), "AKIDENV");
    CHECK_STR(c.secret_key, "env-secret");
    CHECK_STR(c.session_token, "env-token");
    CHECK_STR(c.source, "env");
    CHECK_INT(c.expires_ms, 0);
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);

    unsetenv("AWS_SESSION_TOKEN");
    p = chain(&cfg);
    CHECK_STR(get_akid(p, &c), "AKIDENV");
    CHECK(c.session_token == NULL);
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);

    unsetenv("AWS_ACCESS_KEY_ID");  /* half a pair is an error, not a fall-through */
    p = chain(&cfg);
    CHECK_INT(get_fail(p, &err), SL_ECONFIG);
    CHECK_HAS(err.message, "access key id");
    sl_cred_provider_free(p);
    sl_config_cleanup(&cfg);
    env_end();
}

static void test_cred__profile(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[profile dev]\naws_access_key_id = AKIDCONFIG\n"
                                       "aws_secret_access_key = config-secret\n"
                                       "[profile cfgonly]\naws_access_key_id = AKIDCFGONLY\n"
                                       "aws_secret_access_key = cfgonly-secret\n"), 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file("[dev]\naws_access_key_id = AKIDCREDS\n"
                                                   "aws_secret_access_key = creds-secret\n"
                                                   "aws_session_token = creds-token\n"), 1);
    setenv("AWS_PROFILE", "dev", 1);
    sl_config cfg;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_config_load(&cfg, &err), &err);
    sl_cred_provider *p = chain(&cfg);
    sl_creds c = SL_CREDS_INIT;
    CHECK_STR(get_akid(p, &c), "AKIDCREDS");        /* credentials file wins */
    CHECK_STR(c.secret_key, "creds-secret");
    CHECK_STR(c.session_token, "creds-token");
    CHECK_STR(c.source, "profile");
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);
    sl_config_cleanup(&cfg);

    setenv("AWS_PROFILE", "cfgonly", 1);
    CHECK_OK(sl_config_load(&cfg, &err), &err);
    p = chain(&cfg);
    CHECK_STR(get_akid(p, &c), "AKIDCFGONLY");
    CHECK_STR(c.secret_key, "cfgonly-secret");
    CHECK(c.session_token == NULL);
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);
    sl_config_cleanup(&cfg);
    env_end();
}

static void test_cred__profile_errors(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[profile half]\naws_access_key_id = AKIDHALF\n"
                                       "[profile role]\nrole_arn = arn:aws:iam::1:role/r\n"
                                       "[profile empty]\nregion = x\n"), 1);
    static const struct { const char *profile, *needle; } cases[] = {
        {"half", "secret access key"},
        {"role", "role_arn"},
        {"empty", "no AWS credentials found"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        setenv("AWS_PROFILE", cases[i].profile, 1);
        sl_config cfg;
        sl_err err = SL_ERR_INIT;
        CHECK_OK(sl_config_load(&cfg, &err), &err);
        sl_cred_provider *p = chain(&cfg);
        CHECK_INT(get_fail(p, &err), SL_ECONFIG);
        CHECK_HAS(err.message, cases[i].needle);
        CHECK_HAS(err.message, cases[i].profile);
        sl_cred_provider_free(p);
        sl_config_cleanup(&cfg);
    }
    /* No config at all, no container variables: SL_ECONFIG. */
    sl_cred_provider *p = chain(NULL);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(get_fail(p, &err), SL_ECONFIG);
    CHECK_HAS(err.message, "no AWS credentials found");
    sl_cred_provider_free(p);
    env_end();
}

/* ---- the container endpoint -------------------------------------------------- */

static void test_cred__container_full_uri(void)
{
    env_begin();
    server_start();
    set_full_uri("/2021-04-23/credentials");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-auth-token", 1);
    sl_cred_provider *p = chain(NULL);
    stats s = server_stats();
    CHECK_INT(s.count, 0);                          /* nothing fetched before get() */
    sl_creds c = SL_CREDS_INIT;
    int64_t before = sl_now_ms();
    CHECK_STR(get_akid(p, &c), "ASIATEST0001");
    CHECK_STR(c.secret_key, "SERVERSECRET-1");
    CHECK_STR(c.session_token, "SERVERTOKEN-1");
    CHECK_STR(c.source, "container");
    s = server_stats();
    CHECK_INT(s.count, 1);
    CHECK_STR(s.auth, "env-auth-token");
    CHECK_STR(s.path, "/2021-04-23/credentials");
    CHECK_INT(c.expires_ms, s.exp_s * 1000);
    CHECK(c.expires_ms > before + 3500 * 1000);
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);

    /* Without a token no Authorization header is sent; Token is optional. */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    server_mode("notoken");
    p = chain(NULL);
    CHECK_STR(get_akid(p, &c), "ASIATEST0002");
    CHECK(c.session_token == NULL);
    s = server_stats();
    CHECK_STR(s.auth, "");
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);
    env_end();
}

static void test_cred__container_token_file(void)
{
    env_begin();
    server_start();
    server_mode("ok1m");                            /* every get refetches */
    set_full_uri("/creds");
    const char *tok = tmp_file("file-token-1\n");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tok, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token-loses", 1);
    sl_cred_provider *p = chain(NULL);
    sl_creds c = SL_CREDS_INIT;
    CHECK_STR(get_akid(p, &c), "ASIATEST0001");
    sl_creds_cleanup(&c);
    CHECK_STR(server_stats().auth, "file-token-1");
    write_file(tok, "file-token-2");            /* rotated: read again on the next fetch */
    CHECK_STR(get_akid(p, &c), "ASIATEST0002");
    sl_creds_cleanup(&c);
    CHECK_STR(server_stats().auth, "file-token-2");
    sl_cred_provider_free(p);

    static const struct { const char *content; const char *needle; } bad[] = {
        {"line1\nline2\n", "line break"},
        {"\n\n", "empty"},
        {NULL, "cannot open"},                  /* the file is gone */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (bad[i].content)
            write_file(tok, bad[i].content);
        else
            unlink(tok);
        p = chain(NULL);
        sl_err err = SL_ERR_INIT;
        int before = server_stats().count;
        CHECK_INT(get_fail(p, &err), SL_ECONFIG);
        CHECK_HAS(err.message, bad[i].needle);
        CHECK_INT(server_stats().count, before);    /* not sent */
        sl_cred_provider_free(p);
    }
    env_end();
}

static void test_cred__container_relative_uri(void)
{
    env_begin();
    server_start();
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", g_port);
    sl_cred_set_relative_base(base);
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc-123", 1);
    /* RELATIVE wins over FULL (which would be rejected here) */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "rel-token", 1);
    sl_cred_provider *p = chain(NULL);
    sl_creds c = SL_CREDS_INIT;
    CHECK_STR(get_akid(p, &c), "ASIATEST0001");
    sl_creds_cleanup(&c);
    stats s = server_stats();
    CHECK_STR(s.path, "/v2/credentials/abc-123");
    CHECK_STR(s.auth, "rel-token");
    sl_cred_provider_free(p);

    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/no-slash", 1);
    p = chain(NULL);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(get_fail(p, &err), SL_ECONFIG);
    CHECK_HAS(err.message, "RELATIVE_URI");
    CHECK_INT(server_stats().count, 1);
    sl_cred_provider_free(p);
    env_end();
}

static void test_cred__container_cache(void)
{
    env_begin();
    server_start();
    set_full_uri("/creds");
    sl_cred_provider *p = chain(NULL);
    for (int i = 0; i < 5; i++) {
        sl_creds c = SL_CREDS_INIT;
        CHECK_STR(get_akid(p, &c), "ASIATEST0001");     /* 1 hour left: cached */
        CHECK_STR(c.secret_key, "SERVERSECRET-1");
        sl_creds_cleanup(&c);
    }
    CHECK_INT(server_stats().count, 1);
    sl_cred_provider_free(p);
    env_end();
}

static void test_cred__container_refresh(void)
{
    env_begin();
    server_start();
    server_mode("ok1m");                /* inside the 5-minute window: always refetched */
    set_full_uri("/creds");
    sl_cred_provider *p = chain(NULL);
    static const char *const want[] = {"ASIATEST0001", "ASIATEST0002", "ASIATEST0003"};
    for (int i = 0; i < 3; i++) {
        sl_creds c = SL_CREDS_INIT;
        CHECK_STR(get_akid(p, &c), want[i]);
        sl_creds_cleanup(&c);
    }
    CHECK_INT(server_stats().count, 3);
    /* Back to 1 hour: the next fetch is cached again. */
    server_mode("ok1h");
    for (int i = 0; i < 3; i++) {
        sl_creds c = SL_CREDS_INIT;
        CHECK_STR(get_akid(p, &c), "ASIATEST0004");
        sl_creds_cleanup(&c);
    }
    CHECK_INT(server_stats().count, 4);
    sl_cred_provider_free(p);
    env_end();
}

static void test_cred__container_refresh_failure(void)
{
    env_begin();
    server_start();
    server_mode("ok1m");
    set_full_uri("/creds");
    sl_cred_provider *p = chain(NULL);
    sl_creds c = SL_CREDS_INIT;
    CHECK_STR(get_akid(p, &c), "ASIATEST0001");
    sl_creds_cleanup(&c);
    server_mode("error");
    /* The refresh fails, but the old credentials have a minute left: kept. */
    CHECK_STR(get_akid(p, &c), "ASIATEST0001");
    CHECK_STR(c.secret_key, "SERVERSECRET-1");
    sl_creds_cleanup(&c);
    CHECK_INT(server_stats().count, 2);
    /* ... and the endpoint is not hammered on every call right after a failure. */
    CHECK_STR(get_akid(p, &c), "ASIATEST0001");
    sl_creds_cleanup(&c);
    CHECK_INT(server_stats().count, 2);
    sl_cred_provider_free(p);

    /* Expired credentials and a failing refresh: the error comes through. */
    server_mode("expired");
    p = chain(NULL);
    CHECK_STR(get_akid(p, &c), "ASIATEST0003");
    sl_creds_cleanup(&c);
    server_mode("error");
    sl_err err = SL_ERR_INIT;
    CHECK_INT(get_fail(p, &err), SL_EAWS);
    CHECK_STR(err.aws_code, "AccessDenied");
    CHECK_INT(server_stats().count, 4);
    server_mode("ok1h");
    CHECK_STR(get_akid(p, &c), "ASIATEST0005");     /* recovers */
    sl_creds_cleanup(&c);
    sl_cred_provider_free(p);
    env_end();
}

static void test_cred__container_errors(void)
{
    env_begin();
    server_start();
    set_full_uri("/creds");
    static const struct {
        const char *mode;
        int code, status;
        const char *aws_code, *needle;
    } cases[] = {
        {"error", SL_EAWS, 403, "AccessDenied", "role not allowed"},
        {"error200", SL_EAWS, 200, "InvalidToken", "token expired"},
        {"html", SL_EAWS, 500, "", "HTTP 500"},
        {"malformed", SL_EPARSE, 0, "", "not a JSON object"},
        {"array", SL_EPARSE, 0, "", "not a JSON object"},
        {"missing", SL_EPARSE, 0, "", "SecretAccessKey"},
        {"badexp", SL_EPARSE, 0, "", "Expiration"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        server_mode(cases[i].mode);
        sl_cred_provider *p = chain(NULL);
        sl_err err = SL_ERR_INIT;
        int rc = get_fail(p, &err);
        CHECK_MSG(rc == cases[i].code, "mode %s: rc %d (%s)", cases[i].mode, rc, err.message);
        CHECK_INT(err.code, cases[i].code);
        CHECK_STR(err.aws_code, cases[i].aws_code);
        CHECK_HAS(err.message, cases[i].needle);
        if (cases[i].status)
            CHECK_INT(err.http_status, cases[i].status);
        sl_cred_provider_free(p);
    }
    CHECK_INT(server_stats().count, (int)(sizeof cases / sizeof *cases));

    /* Nothing listening: SL_ENET, quickly. */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/creds", closed_port());
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    sl_cred_provider *p = chain(NULL);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(get_fail(p, &err), SL_ENET);
    CHECK_HAS(err.message, "container credentials");
    sl_cred_provider_free(p);
    env_end();
}

static void test_cred__full_uri_rule(void)
{
    static const struct { const char *url; int ok; } cases[] = {
        {"http://127.0.0.1:8080/creds", 1},
        {"http://127.1.2.3/creds", 1},
        {"http://localhost:9001/2021-04-23/credentials", 1},
        {"http://LOCALHOST/x", 1},
        {"http://[::1]:80/x", 1},
        {"http://169.254.170.2/v2/credentials", 1},
        {"http://169.254.170.23/v1/credentials", 1},
        {"http://[fd00:ec2::23]/v1/credentials", 1},
        {"HTTP://127.0.0.1/x", 1},
        {"https://creds.example.com/x", 1},
        {"https://10.0.0.1/x", 1},
        {"http://example.com/creds", 0},
        {"http://10.0.0.1/creds", 0},
        {"http://169.254.169.254/latest", 0},
        {"http://169.254.170.3/x", 0},
        {"http://[fd00:ec2::24]/x", 0},
        {"http://127.0.0.1.example.com/x", 0},
        {"http://localhost.example.com/x", 0},
        {"http://127.0.0.1@example.com/x", 0},
        {"http://169.254.170.2@example.com/x", 0},
        {"ftp://127.0.0.1/x", 0},
        {"file:///etc/passwd", 0},
        {"127.0.0.1/creds", 0},
        {"", 0},
        {"not a url", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = NULL;
        sl_err err = SL_ERR_INIT;
        int rc = sl_cred_container_url(&out, cases[i].url, &err);
        CHECK_MSG((rc == 0) == cases[i].ok, "%s: rc %d (%s)", cases[i].url, rc, err.message);
        if (cases[i].ok) {
            CHECK(out != NULL);
        } else {
            CHECK(out == NULL);
            CHECK_INT(rc, SL_ECONFIG);
            CHECK_HAS(err.message, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
        }
        free(out);
    }
    char *out = NULL;
    sl_err err = SL_ERR_INIT;
    CHECK_INT(sl_cred_container_url(&out, NULL, &err), SL_ECONFIG);

    /* Through the chain: rejected before any request (a non-routable address would
     * otherwise hang for the connect timeout). */
    env_begin();
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.255.255.1:9/creds", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok", 1);
    sl_cred_provider *p = chain(NULL);
    int64_t t0 = sl_mono_ms();
    CHECK_INT(get_fail(p, &err), SL_ECONFIG);
    CHECK(sl_mono_ms() - t0 < 1000);
    CHECK_HAS(err.message, "https");
    CHECK_HAS(err.message, "10.255.255.1");
    sl_cred_provider_free(p);
    env_end();
}

/* ---- threads ------------------------------------------------------------------- */

typedef struct worker {
    sl_cred_provider *p;
    int bad;
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 50; i++) {
        sl_creds c = SL_CREDS_INIT;
        sl_err err = SL_ERR_INIT;
        if (sl_cred_provider_get(w->p, &c, &err) != 0 || !c.access_key ||
            strcmp(c.access_key, "ASIATEST0001") != 0)
            w->bad++;
        sl_creds_cleanup(&c);
        sl_cred_provider *r = sl_cred_provider_ref(w->p);
        sl_cred_provider_free(r);
    }
    return NULL;
}

static void test_cred__threads(void)
{
    env_begin();
    server_start();
    set_full_uri("/creds");
    sl_cred_provider *p = chain(NULL);
    worker w[8];
    pthread_t t[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker){p, 0};
        CHECK(pthread_create(&t[i], NULL, worker_run, &w[i]) == 0);
    }
    int bad = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        bad += w[i].bad;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(server_stats().count, 1);     /* one fetch for 400 concurrent gets */
    sl_cred_provider_free(p);
    env_end();
}

/* ---- secrets never reach an error ------------------------------------------ */

static const char *const SECRETS[] = {
    "ENVSECRET-5up3r", "ENVTOKEN-5up3r", "PROFSECRET-5up3r", "PROFTOKEN-5up3r",
    "AUTHTOKEN-5up3r", "FILETOKEN-5up3r", "SERVERSECRET", "SERVERTOKEN",
};

static void check_clean(const sl_err *err, const char *what)
{
    CHECK_MSG(err->code != SL_OK, "%s: expected an error", what);
    for (size_t i = 0; i < sizeof SECRETS / sizeof *SECRETS; i++) {
        CHECK_MSG(!strstr(err->message, SECRETS[i]) && !strstr(err->aws_code, SECRETS[i]),
                  "%s: secret %s leaked into \"%s\" / \"%s\"", what, SECRETS[i], err->message,
                  err->aws_code);
    }
}

static void fail_clean(const sl_config *cfg, const char *what)
{
    sl_cred_provider *p = chain(cfg);
    sl_err err = SL_ERR_INIT;
    (void)get_fail(p, &err);
    check_clean(&err, what);
    sl_cred_provider_free(p);
}

static void test_cred__no_secret_in_errors(void)
{
    env_begin();
    server_start();
    /* Half a pair in the environment. */
    setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET-5up3r", 1);
    setenv("AWS_SESSION_TOKEN", "ENVTOKEN-5up3r", 1);
    fail_clean(NULL, "env without access key");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");

    /* Half a pair in a profile, and a garbage credentials file. */
    setenv("AWS_SHARED_CREDENTIALS_FILE",
           tmp_file("[default]\naws_secret_access_key = PROFSECRET-5up3r\n"
                    "aws_session_token = PROFTOKEN-5up3r\n"), 1);
    sl_config cfg;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_config_load(&cfg, &err), &err);
    fail_clean(&cfg, "profile without access key");
    sl_config_cleanup(&cfg);
    setenv("AWS_SHARED_CREDENTIALS_FILE",
           tmp_file("[default]\naws_secret_access_key PROFSECRET-5up3r\n"), 1);
    CHECK_INT(sl_config_load(&cfg, &err), SL_ECONFIG);
    check_clean(&err, "garbage credentials file");
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/tmp/sluice-cred-no-such-credentials", 1);

    /* Container paths, with an env token and then a token file. */
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "AUTHTOKEN-5up3r", 1);
    static const char *const modes[] = {"echo", "error", "error200", "malformed", "missing",
                                        "badexp", "html", "array"};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tmp_file("FILETOKEN-5up3r\n"), 1);
        set_full_uri("/creds");
        for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
            server_mode(modes[i]);
            fail_clean(NULL, modes[i]);
        }
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/creds", closed_port());
        setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
        fail_clean(NULL, "connection refused");
        setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/AUTHTOKEN-5up3r", 1);
        fail_clean(NULL, "rejected FULL_URI");
    }
    /* The echo really did carry the token (so the scrub above was exercised). */
    set_full_uri("/creds");
    server_mode("echo");
    fail_clean(NULL, "echo");
    CHECK_STR(server_stats().auth, "FILETOKEN-5up3r");
    /* Bad tokens are refused without quoting them. */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "AUTHTOKEN-5up3r\r\nX-Injected: 1", 1);
    fail_clean(NULL, "token with CRLF");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/tmp/sluice-cred-no-such-token", 1);
    fail_clean(NULL, "missing token file");
    /* A one-character token is masked too (and the masking terminates). */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "*", 1);
    sl_cred_provider *p = chain(NULL);
    CHECK_INT(get_fail(p, &err), SL_EAWS);
    CHECK_HAS(err.message, "bad token ***");
    sl_cred_provider_free(p);
    env_end();
}

int main(int argc, char **argv)
{
    static const test_case cases[] = {
        TEST_CASE(test_cred__static),
        TEST_CASE(test_cred__copy_and_refcount),
        TEST_CASE(test_cred__env),
        TEST_CASE(test_cred__profile),
        TEST_CASE(test_cred__profile_errors),
        TEST_CASE(test_cred__container_full_uri),
        TEST_CASE(test_cred__container_token_file),
        TEST_CASE(test_cred__container_relative_uri),
        TEST_CASE(test_cred__container_cache),
        TEST_CASE(test_cred__container_refresh),
        TEST_CASE(test_cred__container_refresh_failure),
        TEST_CASE(test_cred__container_errors),
        TEST_CASE(test_cred__full_uri_rule),
        TEST_CASE(test_cred__threads),
        TEST_CASE(test_cred__no_secret_in_errors),
    };
    int rc = test_main(cases, sizeof cases / sizeof *cases, argc, argv);
    server_stop();
    files_cleanup();
    env_restore();
    return rc;
}
