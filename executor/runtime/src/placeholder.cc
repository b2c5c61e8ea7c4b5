namespace skein::runtime {}
