namespace skein::serde {}
