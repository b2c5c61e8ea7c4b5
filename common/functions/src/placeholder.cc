namespace skein::functions {}
