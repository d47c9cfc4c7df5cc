/*
 * tests/linux/init.c - /init of the initramfs that Debian's Linux boots
 * with as the initial domain (tests/system/test_linux_dom0.py): proves the
 * kernel reached user space, names it, and powers the machine off.
 *
 * Built static, without a C library (-nostdlib -static): raw Linux system
 * calls, so it needs nothing but the kernel it runs on.
 */
#define SYS_WRITE 1
#define SYS_REBOOT 169
#define SYS_UNAME 63
#define LINUX_REBOOT_MAGIC1 0xfee1deadL
#define LINUX_REBOOT_MAGIC2 672274793L
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcL

void _start(void);

static long syscall5(long nr, long a, long b, long c, long d, long e)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static unsigned long length(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	syscall5(SYS_WRITE, 1, (long)s, (long)length(s), 0, 0);
}

/* struct utsname: six fields of 65 bytes (sysname, nodename, release, ...). */
struct utsname {
	char field[6][65];
};

/* The kernel enters with rsp 16-byte aligned, not as after a call: realign. */
__attribute__((force_align_arg_pointer)) void _start(void)
{
	struct utsname u;

	say("init: hello from user space\n");
	if (syscall5(SYS_UNAME, (long)&u, 0, 0, 0, 0) == 0) {
		say("init: ");
		say(u.field[0]);
		say(" ");
		say(u.field[2]);
		say("\n");
	}
	say("init: powering off\n");
	syscall5(SYS_REBOOT, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0, 0);
	for (;;)
		;
}
