"""The Wednesday/Friday reporting cycle (seed 001): communities submit their screening list
and reception records to the township; the township sees who has and has not."""
