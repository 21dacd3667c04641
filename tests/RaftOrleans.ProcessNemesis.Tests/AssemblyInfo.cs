// Each run starts its own three silo processes; two clusters at once on 2 cores would starve
// each other and turn timing into flakiness.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
