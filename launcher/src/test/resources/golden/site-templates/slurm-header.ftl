<#-- A site's own SLURM header: QOS instead of a partition, and exclusive nodes. -->
#SBATCH --job-name=${jobName}
<#if queue??>
#SBATCH --qos=${queue}
</#if>
#SBATCH --exclusive
#SBATCH --time=${walltime.slurm}
