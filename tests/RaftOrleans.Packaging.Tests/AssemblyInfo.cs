// One test at a time: each builds and runs processes, and two at once on 2 cores only slow each other.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
