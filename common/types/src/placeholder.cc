namespace skein::types {}
