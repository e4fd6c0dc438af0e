"""The daily cycle and the Metro 2 export on Apache Spark (the ``arrears[spark]`` extra).

Nothing here is imported unless the Spark engine is asked for; ``pyspark`` is imported inside
the functions that need it, so arrears installs and runs without it.
"""
