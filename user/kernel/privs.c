// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* privs.c - see privs.h. */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/privs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* what tcpline uses (docs/privileges.md); CAP_NET_ADMIN is not among them */
static const struct {
	int cap;
	const char *name;
} caps[] = {
	{ CAP_BPF, "CAP_BPF" },
	{ CAP_PERFMON, "CAP_PERFMON" },
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
	{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE" },
	{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH" },
	{ CAP_SYSLOG, "CAP_SYSLOG" },
	{ CAP_SYS_NICE, "CAP_SYS_NICE" },
	{ CAP_SETUID, "CAP_SETUID" },
	{ CAP_SETGID, "CAP_SETGID" },
};

/* The effective set, or 0 with errno when it cannot be read. */
static uint64_t effective(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return (uint64_t)data[1].effective << 32 | data[0].effective;
}

static bool has(uint64_t eff, int cap)
{
	return eff >> cap & 1;
}

const char *tl_cap_name(int cap)
{
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (caps[i].cap == cap)
			return caps[i].name;
	return NULL;
}

char *tl_caps_format(char *buf, size_t size)
{
	uint64_t eff = effective();
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]) && len < size; i++)
		if (has(eff, caps[i].cap)) {
			int n = snprintf(buf + len, size - len, "%s%s", len ? " " : "",
					 caps[i].name);

			if (n > 0)
				len += (size_t)n;
		}
	return buf;
}

/* r0 = 0; exit: a tracepoint program any kernel with BPF takes from a privileged caller. */
static int trivial_load(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "tl_probe", "GPL", insns, 2, NULL);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int tl_privs_check(char *why, size_t size)
{
	uint64_t eff = effective();
	/* CAP_SYS_ADMIN stands for both on kernels before 5.8 */
	bool bpf = has(eff, CAP_BPF) || has(eff, CAP_SYS_ADMIN);
	bool perfmon = has(eff, CAP_PERFMON) || has(eff, CAP_SYS_ADMIN);
	int err = trivial_load();

	if (!err)
		return 0;
	if (err == -EPERM || err == -EACCES) {
		if (!bpf || !perfmon)
			snprintf(why, size, "the effective capabilities lack %s%s%s",
				 bpf ? "" : "CAP_BPF", !bpf && !perfmon ? ", " : "",
				 perfmon ? "" : "CAP_PERFMON");
		else
			snprintf(why, size,
				 "the kernel refuses even a trivial tracing program (%s): a "
				 "security policy forbids BPF to this process",
				 strerror(-err));
		return -EPERM;
	}
	snprintf(why, size, "the kernel refuses a trivial tracing program: %s", strerror(-err));
	return err;
}
