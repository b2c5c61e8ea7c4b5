namespace skein::sql {}
