#include "tests/lib/canned.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADS 64

struct canned_server {
    const canned_resp *script;
    size_t n;
    int lfd, port;
    char url[64];
    pthread_t th;
    pthread_mutex_t mu;
    volatile int stop;
    int requests, connections;
    char *heads[MAX_HEADS];
};

static int wait_readable(canned_server *s, int fd)
{
    while (!s->stop) {
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, 50);
        if (r > 0)
            return 1;
        if (r < 0)
            return 0;
    }
    return 0;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Serve one connection; returns when the peer closes or a script step closes. */
static void serve(canned_server *s, int fd)
{
    char buf[65536];
    size_t have = 0;
    for (;;) {
        char *end = NULL;
        while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
            if (have == sizeof(buf) || !wait_readable(s, fd))
                return;
            ssize_t r = recv(fd, buf + have, sizeof(buf) - have, 0);
            if (r <= 0)
                return;
            have += (size_t)r;
        }
        size_t head_len = (size_t)(end - buf) + 4;
        long clen = 0;
        for (char *p = buf; p < end; p++)
            if ((p == buf || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0)
                clen = strtol(p + 15, NULL, 10);
        /* Drain the body (may be large: discard as it comes). */
        size_t body_have = have - head_len;
        long left = clen - (long)body_have;
        pthread_mutex_lock(&s->mu);
        int idx = s->requests++;
        if (idx < MAX_HEADS)
            s->heads[idx] = strndup(buf, head_len);
        pthread_mutex_unlock(&s->mu);
        while (left > 0) {
            if (!wait_readable(s, fd))
                return;
            ssize_t r = recv(fd, buf, sizeof(buf), 0);
            if (r <= 0)
                return;
            left -= r;
        }
        have = 0;
        const canned_resp *c = &s->script[(size_t)idx < s->n ? (size_t)idx : s->n - 1];
        if (c->delay_ms) {
            struct timespec ts = {c->delay_ms / 1000, (c->delay_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        long blen = c->body_len >= 0 ? c->body_len : (c->body ? (long)strlen(c->body) : 0);
        char head[2048];
        int hn = snprintf(head, sizeof(head),
                          "HTTP/1.1 %d Canned\r\nContent-Length: %ld\r\n%s\r\n", c->status,
                          blen, c->headers ? c->headers : "");
        send_all(fd, head, (size_t)hn);
        long send_n = c->send_bytes >= 0 && c->send_bytes < blen ? c->send_bytes : blen;
        if (send_n > 0)
            send_all(fd, c->body, (size_t)send_n);
        if (c->send_bytes >= 0)
            return;   /* simulate a reset mid-body */
    }
}

static void *loop(void *ud)
{
    canned_server *s = ud;
    while (!s->stop) {
        if (!wait_readable(s, s->lfd))
            break;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&s->mu);
        s->connections++;
        pthread_mutex_unlock(&s->mu);
        serve(s, fd);
        close(fd);
    }
    return NULL;
}

canned_server *canned_start(const canned_resp *script, size_t n)
{
    canned_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->script = script;
    s->n = n;
    pthread_mutex_init(&s->mu, NULL);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(s->lfd, 16) ||
        getsockname(s->lfd, (struct sockaddr *)&a, &len)) {
        if (s->lfd >= 0)
            close(s->lfd);
        free(s);
        return NULL;
    }
    s->port = ntohs(a.sin_port);
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
    pthread_create(&s->th, NULL, loop, s);
    return s;
}

void canned_stop(canned_server *s)
{
    if (!s)
        return;
    s->stop = 1;
    pthread_join(s->th, NULL);
    close(s->lfd);
    for (int i = 0; i < MAX_HEADS; i++)
        free(s->heads[i]);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int canned_port(const canned_server *s) { return s->port; }
const char *canned_url(const canned_server *s) { return s->url; }

int canned_requests(canned_server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

int canned_connections(canned_server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->connections;
    pthread_mutex_unlock(&s->mu);
    return n;
}

char *canned_request_head(canned_server *s, int i)
{
    pthread_mutex_lock(&s->mu);
    char *h = (i >= 0 && i < MAX_HEADS && s->heads[i]) ? strdup(s->heads[i]) : NULL;
    pthread_mutex_unlock(&s->mu);
    return h;
}
