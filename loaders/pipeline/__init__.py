"""Pipeline: the build, every stage run over ``seeds/``. Takes the seeds folder and a store; gives a new
version of the store, swapped in only once every document has loaded, validated and been reasoned
over (in batches, in worker processes), and a report of what was written and how long each step took."""
