// Several Orleans clusters at once on 2 cores stall the thread pool: run test classes one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
