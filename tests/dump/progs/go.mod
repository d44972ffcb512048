module leakscope.test/dumpprogs

go 1.26
