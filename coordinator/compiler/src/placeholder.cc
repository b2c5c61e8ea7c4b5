namespace skein::compiler {}
