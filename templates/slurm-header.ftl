<#-- SLURM directives, in the order dask-jobqueue writes them; each only when its value is set.
     Values here are checked to hold no spaces or shell characters before rendering. -->
<#if jobName??>
#SBATCH -J ${jobName}
</#if>
<#if logDirectory??>
#SBATCH -e ${logDirectory}/${jobName!"worker"}-%J.err
#SBATCH -o ${logDirectory}/${jobName!"worker"}-%J.out
</#if>
<#if queue??>
#SBATCH -p ${queue}
</#if>
<#if account??>
#SBATCH -A ${account}
</#if>
#SBATCH -n 1
#SBATCH -N 1
<#if cores??>
#SBATCH --cpus-per-task=${cores}
</#if>
<#if memory??>
#SBATCH --mem=${memory.slurm}
</#if>
<#if walltime??>
#SBATCH -t ${walltime.slurm}
</#if>
